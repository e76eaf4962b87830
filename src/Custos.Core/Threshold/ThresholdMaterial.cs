using System.Buffers.Binary;
using System.Text;
using Custos.Crypto.Threshold;

namespace Custos.Core.Threshold;

/// <summary>
/// The public record of one threshold key version, kept as its <see cref="Keys.KeyVersion.Material"/> handle: the
/// <see cref="ThresholdGroup"/> (public key, commitments, public shares — the root of trust for every partial's
/// proof), which custodian holds which index, and the jurisdiction requirement it was made with. Nothing secret.
/// <code>{ 0x01 | groupLen u16 | group | count u8 | count × { index u8 | nameLen u8 | name (UTF-8) } | minJurisdictions u8 }</code>
/// </summary>
public sealed class ThresholdMaterial
{
    private const byte FormatVersion = 1;

    /// <summary>A record; <paramref name="custodians"/> must name exactly the group's participants.</summary>
    public ThresholdMaterial(ThresholdGroup group, IReadOnlyDictionary<int, string> custodians, int minJurisdictions)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (custodians.Count != group.Participants.Count || group.Participants.Any(i => !custodians.ContainsKey(i)))
            throw new ArgumentException("the custodians must be exactly the group's participants", nameof(custodians));
        ArgumentOutOfRangeException.ThrowIfLessThan(minJurisdictions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minJurisdictions, group.Threshold);
        Group = group;
        Custodians = new SortedDictionary<int, string>(custodians.ToDictionary());
        MinJurisdictions = minJurisdictions;
    }

    /// <summary>The group: threshold, participants, public key and public shares.</summary>
    public ThresholdGroup Group { get; }
    /// <summary>Custodian name by participant index.</summary>
    public IReadOnlyDictionary<int, string> Custodians { get; }
    /// <summary>Fewest distinct jurisdictions among any k custodians, as required when the version was made.</summary>
    public int MinJurisdictions { get; }

    /// <summary>The index of a custodian, or null when it holds no share of this version.</summary>
    public int? IndexOf(string custodian) => Custodians.FirstOrDefault(kv => kv.Value == custodian) is { Value: not null } kv ? kv.Key : null;

    /// <summary>The spec the version was made with (to reshare in place).</summary>
    public ThresholdSpec Spec => new(Group.Threshold, Custodians.Values.ToList(), MinJurisdictions);

    /// <summary>The bytes stored as the version's material.</summary>
    public byte[] Encode()
    {
        var group = Group.Encode();
        using var stream = new MemoryStream();
        stream.WriteByte(FormatVersion);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)group.Length);
        stream.Write(length);
        stream.Write(group);
        stream.WriteByte((byte)Custodians.Count);
        foreach (var (index, name) in Custodians)
        {
            var bytes = Encoding.UTF8.GetBytes(name);
            stream.WriteByte((byte)index);
            stream.WriteByte((byte)bytes.Length);
            stream.Write(bytes);
        }
        stream.WriteByte((byte)MinJurisdictions);
        return stream.ToArray();
    }

    /// <summary>Parses <see cref="Encode"/>'s output; null when it is not one.</summary>
    public static ThresholdMaterial? TryDecode(ReadOnlySpan<byte> encoded)
    {
        try
        {
            if (!TryParse(encoded, out var groupBytes, out var custodians, out var min)) return null;
            if (ThresholdGroup.TryDecode(groupBytes) is not { } group) return null;
            if (min > group.Threshold) return null;
            if (custodians.Count != group.Participants.Count || group.Participants.Any(i => !custodians.ContainsKey(i))) return null;
            return new ThresholdMaterial(group, custodians, min);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// Who holds the shares of the version <paramref name="encoded"/> records, read without decoding the group's points
    /// (for the residency check of every use of a threshold key); null when it is not a record.
    /// </summary>
    public static ThresholdHolders? TryReadHolders(ReadOnlySpan<byte> encoded)
    {
        if (!TryParse(encoded, out var groupBytes, out var custodians, out var min)) return null;
        // The group starts { version | k | n }: see ThresholdGroup.
        if (groupBytes.Length < 3) return null;
        int k = groupBytes[1];
        if (k < 1 || min > k || custodians.Count != groupBytes[2]) return null;
        return new ThresholdHolders(k, min, custodians.OrderBy(c => c.Key).Select(c => c.Value).ToList());
    }

    /// <summary>Splits a record into the group's bytes, the custodians by index and the jurisdiction requirement.</summary>
    private static bool TryParse(ReadOnlySpan<byte> encoded, out ReadOnlySpan<byte> group, out Dictionary<int, string> custodians, out int min)
    {
        group = default;
        custodians = [];
        min = 0;
        if (encoded.Length < 3 || encoded[0] != FormatVersion) return false;
        int groupLength = BinaryPrimitives.ReadUInt16BigEndian(encoded[1..]);
        var rest = encoded[3..];
        if (rest.Length < groupLength + 1) return false;
        group = rest[..groupLength];
        rest = rest[groupLength..];
        int count = rest[0];
        rest = rest[1..];
        for (int i = 0; i < count; i++)
        {
            if (rest.Length < 2) return false;
            int index = rest[0], nameLength = rest[1];
            if (rest.Length < 2 + nameLength || nameLength == 0) return false;
            if (!custodians.TryAdd(index, Encoding.UTF8.GetString(rest.Slice(2, nameLength)))) return false;
            rest = rest[(2 + nameLength)..];
        }
        if (rest.Length != 1) return false;
        min = rest[0];
        return min >= 1;
    }
}

/// <summary>Who holds the shares of one threshold key version: what its residency is judged on.</summary>
/// <param name="Threshold">k: shares needed to unwrap.</param>
/// <param name="MinJurisdictions">Fewest distinct jurisdictions required among any k of them.</param>
/// <param name="Custodians">The custodians' names, in index order.</param>
public sealed record ThresholdHolders(int Threshold, int MinJurisdictions, IReadOnlyList<string> Custodians)
{
    /// <summary>True when both name the same custodians, threshold and requirement.</summary>
    public bool Same(ThresholdHolders other) =>
        Threshold == other.Threshold && MinJurisdictions == other.MinJurisdictions && Custodians.SequenceEqual(other.Custodians, StringComparer.Ordinal);
}
