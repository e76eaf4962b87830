using System.Security.Cryptography;
using Custos.Core.Access;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Ports;
using Custos.Core.Threshold;
using Custos.Keystores.Threshold;
using Microsoft.Extensions.Logging.Abstractions;

namespace Custos.Keystores.Tests.Threshold;

/// <summary><see cref="ThresholdKeystore"/> over <see cref="InProcessCustodians"/>: real key generation, partials and combining.</summary>
public sealed class ThresholdKeystoreTests : IDisposable
{
    private static readonly byte[] Aad = [1, 2, 3];
    private static readonly ThresholdSpec TwoOfThree = new(2, ["a", "b", "c"], 2);
    private readonly InProcessCustodians _custodians = InProcessCustodians.ThreeInEurope();
    private readonly ThresholdKeystore _keystore;

    public ThresholdKeystoreTests() => _keystore = new ThresholdKeystore(_custodians, NullLogger<ThresholdKeystore>.Instance);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _custodians.Dispose();

    private async Task<KeyVersionRef> NewVersionAsync(string keyId = "key_01threshold", int version = 1)
    {
        var material = await _keystore.CreateKeyAsync(keyId, version, KeySpec.Aes256Gcm, new KeyCreation { Threshold = TwoOfThree }, Ct);
        return new KeyVersionRef(keyId, version, KeySpec.Aes256Gcm, material);
    }

    private static Principal Caller(string requestId = "req-1") =>
        new("token:tok_alice", "alice", new HashSet<string>()) { Request = new RequestInfo(requestId, "127.0.0.1", new Justification("incident", "INC-42")) };

    private async Task<(KeyVersionRef Version, byte[] Dek, byte[] Blob)> WrappedAsync()
    {
        var v = await NewVersionAsync();
        var dek = RandomNumberGenerator.GetBytes(32);
        return (v, dek, await _keystore.EncryptAsync(v, dek, Aad, Ct));
    }

    [Fact]
    public void Names_itself_threshold_with_threshold_custody()
    {
        Assert.Equal("threshold", _keystore.Name);
        Assert.Equal(KeyCustody.Threshold, _keystore.Custody);
    }

    [Fact]
    public async Task The_material_is_the_public_record_of_a_2_of_3_group_with_the_custodians_by_index()
    {
        var v = await NewVersionAsync();

        var material = ThresholdMaterial.TryDecode(v.Material)!;
        Assert.Equal(2, material.Group.Threshold);
        Assert.Equal(["a", "b", "c"], material.Custodians.Values);
        Assert.Equal(2, material.MinJurisdictions);
        Assert.Equal(1, _custodians.GenerateCalls);
        Assert.All(["a", "b", "c"], c => Assert.Equal(1, _custodians.SharesHeldBy(c)));
    }

    [Fact]
    public async Task Who_holds_the_shares_is_read_without_the_points_as_the_full_record_says_and_a_damaged_record_names_no_one()
    {
        var v = await NewVersionAsync();
        var material = ThresholdMaterial.TryDecode(v.Material)!;

        var holders = ThresholdMaterial.TryReadHolders(v.Material)!;

        Assert.Equal((material.Group.Threshold, material.MinJurisdictions), (holders.Threshold, holders.MinJurisdictions));
        Assert.Equal(material.Custodians.Values, holders.Custodians);
        Assert.True(holders.Same(new ThresholdHolders(2, 2, ["a", "b", "c"])));
        Assert.False(holders.Same(new ThresholdHolders(2, 2, ["a", "c", "b"])));
        for (int length = 0; length < v.Material.Length; length++) Assert.Null(ThresholdMaterial.TryReadHolders(v.Material.AsSpan(0, length)));
        Assert.Null(ThresholdMaterial.TryReadHolders([.. v.Material, 0]));
        var noRequirement = v.Material.ToArray();
        noRequirement[^1] = 0; // minJurisdictions 0
        Assert.Null(ThresholdMaterial.TryReadHolders(noRequirement));
        Assert.Null(ThresholdMaterial.TryDecode(noRequirement));
    }

    [Fact]
    public async Task A_threshold_version_cannot_be_made_without_its_spec()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _keystore.CreateKeyAsync("key_x", 1, KeySpec.Aes256Gcm, Ct).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => _keystore.CreateKeyAsync("key_x", 1, KeySpec.Aes256Gcm, KeyCreation.None, Ct).AsTask());
    }

    [Fact]
    public async Task Wrapping_asks_no_custodian_and_unwrapping_combines_two_of_three()
    {
        var (v, dek, blob) = await WrappedAsync();
        Assert.Equal(0, _custodians.UnwrapCalls);

        var caller = Caller();
        using var opened = await _keystore.DecryptAsync(v, blob, Aad, caller, Ct);

        Assert.Equal(dek, opened!.Reveal().ToArray());
        Assert.Equal(2, _custodians.PartialsComputed);
        var recorded = caller.Request!.Threshold!;
        Assert.Equal(ThresholdMaterial.TryDecode(v.Material)!.Group.Fingerprint, recorded.Group);
        Assert.Equal(["a:combined", "b:combined"], recorded.Custodians.Select(c => $"{c.Name}:{c.Result}"));
    }

    [Fact]
    public async Task The_callers_request_id_principal_and_justification_go_to_the_custodians()
    {
        var (v, _, blob) = await WrappedAsync();

        (await _keystore.DecryptAsync(v, blob, Aad, Caller("req-77"), Ct))!.Dispose();

        Assert.Equal(new ThresholdRequest("req-77", "token:tok_alice", "incident; INC-42"), _custodians.LastRequest! with { Approvals = null });
    }

    [Fact]
    public async Task With_one_custodian_down_it_still_unwraps_and_records_the_unreachable_one()
    {
        var (v, dek, blob) = await WrappedAsync();
        _custodians.SetDown("a");

        var caller = Caller();
        using var opened = await _keystore.DecryptAsync(v, blob, Aad, caller, Ct);

        Assert.Equal(dek, opened!.Reveal().ToArray());
        Assert.Equal(["b:combined", "c:combined", "a:unreachable"], caller.Request!.Threshold!.Custodians.Select(c => $"{c.Name}:{c.Result}"));
    }

    [Fact]
    public async Task With_two_custodians_down_it_fails_closed_saying_how_many_answered()
    {
        var (v, _, blob) = await WrappedAsync();
        _custodians.SetDown("a");
        _custodians.SetDown("c");

        var caller = Caller();
        var e = await Assert.ThrowsAsync<CustodiansUnavailableException>(() => _keystore.DecryptAsync(v, blob, Aad, caller, Ct).AsTask());

        Assert.Equal("2 of 3 custodians needed, 1 answered", e.Message);
        Assert.Equal(ErrorCode.CustodiansUnavailable, e.ToError().Code);
        // The failure is recorded too: who was down.
        Assert.Equal(["a:unreachable", "c:unreachable"], caller.Request!.Threshold!.Custodians.Select(c => $"{c.Name}:{c.Result}"));
    }

    [Fact]
    public async Task After_a_restart_of_the_custodians_it_works_again()
    {
        var (v, dek, blob) = await WrappedAsync();
        _custodians.SetDown("a");
        _custodians.SetDown("b");
        await Assert.ThrowsAsync<CustodiansUnavailableException>(() => _keystore.DecryptAsync(v, blob, Aad, Caller(), Ct).AsTask());

        _custodians.SetDown("a", false);
        _custodians.SetDown("b", false);

        using var opened = await _keystore.DecryptAsync(v, blob, Aad, Caller(), Ct);
        Assert.Equal(dek, opened!.Reveal().ToArray());
    }

    [Fact]
    public async Task A_custodian_with_a_wrong_partial_is_excluded_and_recorded_and_the_other_two_unwrap()
    {
        var (v, dek, blob) = await WrappedAsync();
        _custodians.SetFaulty("a");

        var caller = Caller();
        using var opened = await _keystore.DecryptAsync(v, blob, Aad, caller, Ct);

        Assert.Equal(dek, opened!.Reveal().ToArray());
        var recorded = caller.Request!.Threshold!.Custodians;
        Assert.Equal(["b:combined", "c:combined", "a:invalid-partial"], recorded.Select(c => $"{c.Name}:{c.Result}"));
        Assert.Equal("its proof does not verify against its public share", recorded[2].Detail);
    }

    [Fact]
    public async Task A_faulty_custodian_and_a_down_one_leave_one_valid_partial_and_it_fails_closed_naming_the_rejection()
    {
        var (v, _, blob) = await WrappedAsync();
        _custodians.SetFaulty("a");
        _custodians.SetDown("b");

        var e = await Assert.ThrowsAsync<CustodiansUnavailableException>(() => _keystore.DecryptAsync(v, blob, Aad, Caller(), Ct).AsTask());

        Assert.Equal("2 of 3 custodians needed, 1 answered with a valid partial; rejected: custodian 1: its proof does not verify against its public share", e.Message);
    }

    [Fact]
    public async Task Every_blob_that_does_not_open_is_null_like_every_other_decryption_failure()
    {
        var (v, _, blob) = await WrappedAsync();
        var changed = (byte[])blob.Clone();
        changed[^1] ^= 1;

        Assert.Null(await _keystore.DecryptAsync(v, changed, Aad, Caller(), Ct));
        Assert.Null(await _keystore.DecryptAsync(v, blob, new byte[] { 9, 9 }, Caller(), Ct));
        int asked = _custodians.UnwrapCalls;
        Assert.Null(await _keystore.DecryptAsync(v, new byte[] { 1, 2, 3 }, Aad, Caller(), Ct));
        Assert.Null(await _keystore.DecryptAsync(v, new byte[100], Aad, Caller(), Ct));
        Assert.Equal(asked, _custodians.UnwrapCalls); // malformed: no custodian asked
    }

    [Fact]
    public async Task It_wraps_data_keys_of_16_to_64_bytes_only()
    {
        var v = await NewVersionAsync();

        Assert.Null(_keystore.CheckPlaintextLength(16));
        Assert.Null(_keystore.CheckPlaintextLength(64));
        Assert.Contains("16 to 64 bytes", _keystore.CheckPlaintextLength(15)!.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.ValidationFailed, _keystore.CheckPlaintextLength(65)!.Code);
        await Assert.ThrowsAsync<ArgumentException>(() => _keystore.EncryptAsync(v, new byte[65], Aad, Ct).AsTask());
    }

    [Fact]
    public async Task Destroy_has_every_custodian_delete_its_share()
    {
        var (v, _, blob) = await WrappedAsync();

        await _keystore.DestroyKeyAsync(v, Ct);

        Assert.Equal(1, _custodians.DestroyCalls);
        Assert.All(["a", "b", "c"], c => Assert.Equal(0, _custodians.SharesHeldBy(c)));
        var e = await Assert.ThrowsAsync<CustodiansUnavailableException>(() => _keystore.DecryptAsync(v, blob, Aad, Caller(), Ct).AsTask());
        Assert.StartsWith("2 of 3 custodians needed, 0 answered", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evidence_names_k_n_group_public_key_and_custodians_with_their_countries()
    {
        var v = await NewVersionAsync();
        var group = ThresholdMaterial.TryDecode(v.Material)!.Group;

        var evidence = (await _keystore.GetEvidenceAsync(v, Ct))!;

        Assert.Equal("2", evidence["threshold.k"]);
        Assert.Equal("3", evidence["threshold.n"]);
        Assert.Equal("2", evidence["threshold.min_jurisdictions"]);
        Assert.Equal(group.Fingerprint, evidence["threshold.group_fingerprint"]);
        Assert.Equal(Convert.ToHexStringLower(group.PublicKey.Encode()), evidence["threshold.public_key"]);
        Assert.Equal("a", evidence["threshold.custodian.1.name"]);
        Assert.Equal("DE", evidence["threshold.custodian.1.country"]);
        Assert.Equal("FR", evidence["threshold.custodian.2.country"]);
        Assert.Equal("op-c", evidence["threshold.custodian.3.operator"]);
    }

    [Fact]
    public async Task After_resharing_data_wrapped_before_opens_with_the_new_group_and_the_old_group_no_longer_combines()
    {
        var (v, dek, blob) = await WrappedAsync();
        var current = ThresholdMaterial.TryDecode(v.Material)!;
        var next = await _custodians.ReshareAsync(current, v.KeyId, v.Version, new ThresholdSpec(2, ["a", "b", "c"], 2), Ct);
        await _custodians.CommitReshareAsync(current, next, v.KeyId, v.Version, Ct);

        using var opened = await _keystore.DecryptAsync(v with { Material = next.Encode() }, blob, Aad, Caller(), Ct);
        Assert.Equal(dek, opened!.Reveal().ToArray());
        Assert.Equal(current.Group.PublicKey, next.Group.PublicKey);
        Assert.NotEqual(current.Group.Fingerprint, next.Group.Fingerprint);
        // A stale copy of the old record finds no custodian holding the old shares.
        await Assert.ThrowsAsync<CustodiansUnavailableException>(() => _keystore.DecryptAsync(v, blob, Aad, Caller(), Ct).AsTask());
    }

    [Fact]
    public async Task Key_generation_failing_at_a_custodian_is_custodians_unavailable_naming_it()
    {
        _custodians.SetDown("b");

        var e = await Assert.ThrowsAsync<CustodiansUnavailableException>(() => NewVersionAsync());

        Assert.Contains("'b'", e.Message, StringComparison.Ordinal);
    }
}
