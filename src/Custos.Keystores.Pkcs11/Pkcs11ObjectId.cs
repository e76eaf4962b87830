using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Custos.Keystores.Pkcs11;

/// <summary>
/// The <c>CKA_ID</c> of a key version's AES key in the HSM, and the non-secret material handle Custos stores
/// for the version:
/// <code>
/// CKA_ID = { key id 16 (UUID, big-endian) | version 4 (big-endian) | nonce 8 }          28 bytes
/// handle = { format 0x01 | CKA_ID 28 }                                                  29 bytes
/// </code>
/// The key id and version make every object traceable to its version (and let a handle presented for the
/// wrong version be caught without asking the HSM); the random nonce keeps two creates of one version
/// (a retried create) apart, so a lookup never finds two objects. The handle names the object; it holds
/// nothing secret.
/// </summary>
internal readonly record struct Pkcs11ObjectId(Guid KeyId, int Version, ulong Nonce)
{
    /// <summary>Format byte of a handle to an AES-256-GCM secret key found by <c>CKA_ID</c>.</summary>
    public const byte HandleFormat = 0x01;

    /// <summary>Bytes in a <c>CKA_ID</c>.</summary>
    public const int IdLength = 28;

    /// <summary>Bytes in a handle.</summary>
    public const int HandleLength = 1 + IdLength;

    /// <summary>A new id for a version, with a fresh nonce.</summary>
    public static Pkcs11ObjectId New(Guid keyId, int version) =>
        new(keyId, version, BinaryPrimitives.ReadUInt64BigEndian(RandomNumberGenerator.GetBytes(8)));

    /// <summary>The key id as Custos writes it (lower-case UUID), or null when <paramref name="keyId"/> is not one.</summary>
    public static Guid? ParseKeyId(string keyId) =>
        Guid.TryParseExact(keyId, "D", out var g) && !keyId.AsSpan().ContainsAnyInRange('A', 'F') ? g : null;

    /// <summary>The id in a handle, or null when the bytes are not a handle of this format.</summary>
    public static Pkcs11ObjectId? FromHandle(ReadOnlySpan<byte> handle) =>
        handle.Length == HandleLength && handle[0] == HandleFormat ? FromCkaId(handle[1..]) : null;

    /// <summary>The id from a 28-byte <c>CKA_ID</c>.</summary>
    public static Pkcs11ObjectId FromCkaId(ReadOnlySpan<byte> id) => new(
        new Guid(id[..16], bigEndian: true),
        BinaryPrimitives.ReadInt32BigEndian(id[16..20]),
        BinaryPrimitives.ReadUInt64BigEndian(id[20..28]));

    /// <summary>The <c>CKA_ID</c> bytes.</summary>
    public byte[] ToCkaId()
    {
        var id = new byte[IdLength];
        KeyId.TryWriteBytes(id, bigEndian: true, out _);
        BinaryPrimitives.WriteInt32BigEndian(id.AsSpan(16), Version);
        BinaryPrimitives.WriteUInt64BigEndian(id.AsSpan(20), Nonce);
        return id;
    }

    /// <summary>The handle stored as the version's material.</summary>
    public byte[] ToHandle()
    {
        var handle = new byte[HandleLength];
        handle[0] = HandleFormat;
        ToCkaId().CopyTo(handle, 1);
        return handle;
    }

    /// <summary>The <c>CKA_LABEL</c>: <c>custos:KEYID:vVERSION</c>, for people reading the token's object list.</summary>
    public string Label => string.Create(CultureInfo.InvariantCulture, $"custos:{KeyId:D}:v{Version}");
}
