using Custos.Crypto.Threshold;

namespace Custos.Crypto.Tests.Threshold;

/// <summary>
/// The validation a custodian applies to every point it is sent, against Wycheproof
/// ecdh_secp256r1_ecpoint_test.json (raw SEC 1 points): every invalid point refused with a reason that fits the
/// case, every valid one accepted. The one "acceptable" case (tcId 2, a compressed point) is accepted on purpose:
/// Custos formats carry compressed points, so custodians must take them.
/// </summary>
public sealed class P256PointTests
{
    private const string File = "ecdh_secp256r1_ecpoint_test.json";

    [Fact]
    public void Every_Wycheproof_ecpoint_case_is_accepted_or_refused_as_the_file_says() =>
        Wycheproof.RunAll(File, c =>
        {
            bool accepted = P256Point.TryDecode(c.Hex("public"), out var point, out var rejection);
            if (c.IsValid || c.IsAcceptable)
            {
                if (!accepted) return $"refused a valid point: {rejection}";
                return rejection == PointRejection.None ? null : "accepted with a rejection reason";
            }
            if (accepted) return $"accepted an invalid point {point}";
            var expected = ExpectedRejections(c.Flags);
            return expected.Contains(rejection) ? null : $"refused as {rejection}, expected one of {string.Join(", ", expected)}";
        });

    [Fact]
    public void A_custodian_refuses_every_invalid_point_before_using_its_share_and_computes_the_expected_ECDH_secret_for_the_others() =>
        Wycheproof.RunAll(File, c =>
        {
            using var share = KeyShare.FromScalar(1, Scalar32(c.Hex("private")));
            var partial = PartialDecryption.TryCompute(share, c.Hex("public"), "wycheproof"u8, 1, out var rejection);
            if (c.IsInvalid)
                return partial is null && rejection != PointRejection.None ? null : "computed a partial on an invalid point";
            if (partial is null) return $"refused a valid point: {rejection}";
            // The x-coordinate of D = s·E is the ECDH shared secret.
            var x = partial.Value.Encode().AsSpan(1).ToArray();
            return x.AsSpan().SequenceEqual(c.Hex("shared")) ? null : $"shared secret {Wycheproof.Hex(x)}, expected {Wycheproof.Hex(c.Hex("shared"))}";
        });

    /// <summary>Wycheproof private keys come in 1 to 33 bytes (a sign byte, or leading zeros dropped): as 32.</summary>
    private static byte[] Scalar32(byte[] key)
    {
        var trimmed = key.AsSpan()[key.AsSpan().IndexOfAnyExcept((byte)0)..];
        var s = new byte[32];
        trimmed.CopyTo(s.AsSpan(32 - trimmed.Length));
        return s;
    }

    [Fact]
    public void The_file_has_the_invalid_cases_this_test_relies_on()
    {
        int invalid = 0;
        Wycheproof.RunAll(File, c => { if (c.IsInvalid) invalid++; return null; });
        Assert.Equal(24, invalid); // 16 invalid-curve, 1 empty, 1 invalid compressed, 6 twist points
    }

    private static PointRejection[] ExpectedRejections(IReadOnlyList<string> flags) => flags switch
    {
        _ when flags.Contains("InvalidEncoding") => [PointRejection.Malformed],
        // Points off the curve; those with a coordinate ≥ p are caught by the range check first.
        _ when flags.Contains("InvalidCurveAttack") => [PointRejection.NotOnCurve, PointRejection.CoordinateOutOfRange],
        // Compressed x-coordinates with no point on P-256 (on the twist, or nowhere).
        _ when flags.Contains("InvalidCompressedPublic") || flags.Contains("WrongCurve") => [PointRejection.NotOnCurve],
        _ => [],
    };

    [Fact]
    public void A_valid_point_decodes_from_both_forms_to_the_same_point_and_encodes_compressed()
    {
        var uncompressed = Convert.FromHexString(
            "0462d5bd3372af75fe85a040715d0f502428e07046868b0bfdfa61d731afe44f26ac333a93a9e70a81cd5a95b5bf8d13990eb741c8c38872b4a07d275a014e30cf");
        var compressed = Convert.FromHexString("0362d5bd3372af75fe85a040715d0f502428e07046868b0bfdfa61d731afe44f26");
        Assert.True(P256Point.TryDecode(uncompressed, out var a, out _));
        Assert.True(P256Point.TryDecode(compressed, out var b, out _));
        Assert.Equal(a, b);
        Assert.Equal(compressed, a.Encode());
        Assert.Equal(uncompressed, a.EncodeUncompressed());
        Assert.Equal(P256Point.CompressedSize, a.Encode().Length);
    }

    [Theory]
    [InlineData("", PointRejection.Malformed)]
    [InlineData("00", PointRejection.Identity)]
    [InlineData("0000", PointRejection.Malformed)]
    [InlineData("05", PointRejection.Malformed)]
    // Hybrid encodings (SEC 1 0x06/0x07) of a valid point are refused: no Custos format produces them.
    [InlineData("0662d5bd3372af75fe85a040715d0f502428e07046868b0bfdfa61d731afe44f26ac333a93a9e70a81cd5a95b5bf8d13990eb741c8c38872b4a07d275a014e30cf", PointRejection.Malformed)]
    [InlineData("0762d5bd3372af75fe85a040715d0f502428e07046868b0bfdfa61d731afe44f26ac333a93a9e70a81cd5a95b5bf8d13990eb741c8c38872b4a07d275a014e30cf", PointRejection.Malformed)]
    // A compressed prefix on an uncompressed body and the other way round.
    [InlineData("0262d5bd3372af75fe85a040715d0f502428e07046868b0bfdfa61d731afe44f26ac333a93a9e70a81cd5a95b5bf8d13990eb741c8c38872b4a07d275a014e30cf", PointRejection.Malformed)]
    [InlineData("0462d5bd3372af75fe85a040715d0f502428e07046868b0bfdfa61d731afe44f26", PointRejection.Malformed)]
    // One byte short and one byte too many.
    [InlineData("0362d5bd3372af75fe85a040715d0f502428e07046868b0bfdfa61d731afe44f", PointRejection.Malformed)]
    [InlineData("0362d5bd3372af75fe85a040715d0f502428e07046868b0bfdfa61d731afe44f2600", PointRejection.Malformed)]
    // x = p (compressed): out of range even though x mod p = 0 would be a valid x-coordinate.
    [InlineData("02ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", PointRejection.CoordinateOutOfRange)]
    // The valid point with y + 1: off the curve.
    [InlineData("0462d5bd3372af75fe85a040715d0f502428e07046868b0bfdfa61d731afe44f26ac333a93a9e70a81cd5a95b5bf8d13990eb741c8c38872b4a07d275a014e30d0", PointRejection.NotOnCurve)]
    public void Malformed_and_edge_encodings_are_refused_with_their_reason(string hex, PointRejection expected)
    {
        Assert.False(P256Point.TryDecode(Convert.FromHexString(hex), out var point, out var rejection));
        Assert.Null(point);
        Assert.Equal(expected, rejection);
        Assert.Null(P256Point.TryDecode(Convert.FromHexString(hex)));
    }

    [Fact]
    public void The_generator_round_trips_and_the_curve_has_cofactor_1()
    {
        Assert.Equal(P256Point.Generator, P256Point.TryDecode(P256Point.Generator.Encode()));
        Assert.Equal("036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296", P256Point.Generator.ToString());
        // The subgroup check is free because of this; NotInGroup stays in the code for any other curve.
        Assert.Equal(Org.BouncyCastle.Math.BigInteger.One, P256.Cofactor);
    }
}
