using System.Numerics;
using System.Security.Cryptography;
using Custos.Crypto.Threshold;
using Custos.Custodian;
using Microsoft.Data.Sqlite;

namespace Custos.Cli.Tests.Threshold;

/// <summary>
/// What only a test may do: open the custodians' sealed shares with the seal key files it made, and rebuild the
/// group private key by Lagrange interpolation (System.Numerics, in memory) to prove the shares match the public key
/// — then search every file and log for it.
/// </summary>
public static class ThresholdSecrets
{
    private static readonly BigInteger N = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);

    /// <summary>(index, scalar) of every share row of the key version in a custodian's data folder, opened with its seal key.</summary>
    public static List<(int Index, string Fingerprint, string State, byte[] Scalar)> Shares(string dataDir, string sealKeyFile, string keyId, int version)
    {
        using var root = CustodianSeal.FromKey(SealKeyFile.Load(sealKeyFile), sealKeyFile);
        var rows = new List<(int, string, string, byte[])>();
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "custodian.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT participant, fingerprint, state, sealed_share FROM custodian_shares WHERE key_id = $k AND key_version = $v";
        command.Parameters.AddWithValue("$k", keyId);
        command.Parameters.AddWithValue("$v", version);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            int index = reader.GetInt32(0);
            var fingerprint = reader.GetString(1);
            using var share = ShareSeal.Open(root, (byte[])reader.GetValue(3), keyId, version, fingerprint, index)
                ?? throw new InvalidOperationException("a sealed share does not open with its seal key");
            rows.Add((index, fingerprint, reader.GetString(2), share.RevealScalar().ToArray()));
        }
        return rows;
    }

    /// <summary>s = Σ λ_i·s_i mod n over the given shares (exactly k of them).</summary>
    public static byte[] Interpolate(IReadOnlyList<(int Index, byte[] Scalar)> shares)
    {
        var s = BigInteger.Zero;
        foreach (var (i, si) in shares)
        {
            BigInteger num = 1, den = 1;
            foreach (var (j, _) in shares)
            {
                if (j == i) continue;
                num = num * j % N;
                den = ((den * (j - i)) % N + N) % N;
            }
            var lambda = num * BigInteger.ModPow(den, N - 2, N) % N;
            s = (s + lambda * new BigInteger(si, isUnsigned: true, isBigEndian: true)) % N;
        }
        var bytes = s.ToByteArray(isUnsigned: true, isBigEndian: true);
        var padded = new byte[32];
        bytes.CopyTo(padded, 32 - bytes.Length);
        return padded;
    }

    /// <summary>True when s·G (computed by .NET's own P-256) is <paramref name="publicKey"/>.</summary>
    public static bool IsPrivateKeyOf(byte[] s, P256Point publicKey)
    {
        using var ecdh = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = s });
        var q = ecdh.ExportParameters(false).Q;
        byte[] expected = [0x04, .. q.X!, .. q.Y!];
        return publicKey.EncodeUncompressed().AsSpan().SequenceEqual(expected);
    }

    /// <summary>Every file under <paramref name="dirs"/> and every text in <paramref name="logs"/> that holds <paramref name="secret"/> raw, in hex or in base64.</summary>
    public static List<string> FindSecret(byte[] secret, IEnumerable<string> dirs, IEnumerable<(string Name, string Text)> logs)
    {
        var forms = new List<byte[]>
        {
            secret,
            System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(secret)),
            System.Text.Encoding.ASCII.GetBytes(Convert.ToHexString(secret)),
            System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(secret)),
            System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(secret).TrimEnd('=').Replace('+', '-').Replace('/', '_')),
        };
        var found = new List<string>();
        foreach (var dir in dirs)
        {
            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            {
                byte[] content;
                try { content = File.ReadAllBytes(file); }
                catch (IOException) { continue; }
                if (forms.Any(f => content.AsSpan().IndexOf(f) >= 0)) found.Add(file);
            }
        }
        foreach (var (name, text) in logs)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            if (forms.Any(f => bytes.AsSpan().IndexOf(f) >= 0)) found.Add("log of " + name);
        }
        return found;
    }
}
