using System.Runtime.InteropServices;
using Custos.Core.Errors;

namespace Custos.Keystores.Pkcs11;

/// <summary>
/// Environment variables a PKCS#11 module reads when it loads (SoftHSM2's <c>SOFTHSM2_CONF</c>, Luna's
/// <c>ChrystokiConfigurationPath</c>, ...). Modules call getenv(3), which does not see what .NET's
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> sets on Unix, so both are set.
/// </summary>
public static partial class Pkcs11Environment
{
    /// <summary>Sets <paramref name="name"/> for this process and for native code; call before the module loads.</summary>
    public static void Set(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        if (name.Contains('=', StringComparison.Ordinal)) throw new ArgumentException($"'{name}' is not a valid environment variable name", nameof(name));
        Environment.SetEnvironmentVariable(name, value);
        if (!OperatingSystem.IsWindows() && NativeSetEnv(name, value, 1) != 0)
            throw Error.Unavailable($"could not set {name} for the HSM module");
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeSetEnv(string name, string value, int overwrite);
}
