using Custos.Core.Errors;

namespace Custos.Keystores.Pkcs11.Tests;

/// <summary>Reading the PIN: clear errors that name the variable or file, never the PIN.</summary>
public sealed class Pkcs11PinTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("custos-pin-").FullName;

    [Fact]
    public void From_a_file_without_its_trailing_newline()
    {
        var path = Path.Combine(_dir, "pin");
        File.WriteAllText(path, "12 34-ü\r\n");

        using var pin = Pkcs11Pin.FromFile(path);

        Assert.Equal("12 34-ü"u8.ToArray(), pin.Reveal().ToArray());
    }

    [Fact]
    public void A_missing_or_empty_file_is_one_sentence_naming_it()
    {
        var missing = Path.Combine(_dir, "nope");
        var empty = Path.Combine(_dir, "empty");
        File.WriteAllText(empty, "\n");

        Assert.Equal($"the HSM PIN file '{missing}' does not exist", Assert.Throws<CustosUnavailableException>(() => Pkcs11Pin.FromFile(missing)).Message);
        Assert.Equal($"the HSM PIN file '{empty}' is empty", Assert.Throws<CustosUnavailableException>(() => Pkcs11Pin.FromFile(empty)).Message);
    }

    [Fact]
    public void From_an_environment_variable_or_one_sentence_naming_it()
    {
        var name = "CUSTOS_TEST_PIN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "9876");
        try
        {
            using var pin = Pkcs11Pin.FromEnvironment(name);
            Assert.Equal("9876"u8.ToArray(), pin.Reveal().ToArray());
        }
        finally { Environment.SetEnvironmentVariable(name, null); }

        var e = Assert.Throws<CustosUnavailableException>(() => Pkcs11Pin.FromEnvironment(name));
        Assert.Equal($"the environment variable {name}, which should hold the HSM PIN, is not set", e.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
