using System.Security.Cryptography;
using Custos.Keystores.Pkcs11;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Custos.Bench.Hsm;

/// <summary>The baseline: Pkcs11Interop calls alone, one session per thread reused in a tight loop.</summary>
internal static class Raw
{
    public static double Run(Pkcs11Token token, string label, byte[] material, byte[] blob, byte[] aad, byte[] expected, int threads, TimeSpan window)
    {
        var factories = Pkcs11Session.Factories;
        var slot = token.Module.Library.GetSlotList(SlotsType.WithTokenPresent).Single(s => s.GetTokenInfo().Label == label);
        var sessions = Enumerable.Range(0, threads).Select(_ => slot.OpenSession(SessionType.ReadWrite)).ToList();
        try
        {
            var key = sessions[0].FindAllObjects([factories.ObjectAttributeFactory.Create(CKA.CKA_ID, material[1..])]).Single();
            var iv = blob[..12];
            var sealedPart = blob[12..];
            return Workers.OperationsPerSecond(threads, window, i =>
            {
                // What any decrypt must do: GCM parameters from the blob's IV and the AAD, then C_Decrypt.
                using var parameters = factories.MechanismParamsFactory.CreateCkGcmParams(iv, 96, aad, 128);
                using var mechanism = factories.MechanismFactory.Create(CKM.CKM_AES_GCM, parameters);
                var plaintext = sessions[i].Decrypt(mechanism, key, sealedPart);
                if (!plaintext.AsSpan().SequenceEqual(expected)) throw new InvalidOperationException("raw decrypt returned the wrong plaintext");
                CryptographicOperations.ZeroMemory(plaintext);
            });
        }
        finally
        {
            foreach (var s in sessions) s.Dispose();
        }
    }
}
