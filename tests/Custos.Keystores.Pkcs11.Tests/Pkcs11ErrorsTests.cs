using Custos.Core.Errors;
using Net.Pkcs11Interop.Common;

namespace Custos.Keystores.Pkcs11.Tests;

/// <summary>Every PKCS#11 code becomes one readable sentence; unknown ones are named by number.</summary>
public sealed class Pkcs11ErrorsTests
{
    [Fact]
    public void Every_defined_code_has_its_own_clause()
    {
        var clauses = Enum.GetValues<CKR>().Where(rv => rv != CKR.CKR_VENDOR_DEFINED).Select(Pkcs11Errors.Describe).ToList();

        Assert.All(clauses, c => Assert.False(string.IsNullOrWhiteSpace(c)));
        Assert.All(clauses, c => Assert.DoesNotContain("returned code", c, StringComparison.Ordinal));
        Assert.Equal(clauses.Count, clauses.Distinct().Count());
    }

    [Fact]
    public void A_failed_call_names_token_operation_meaning_and_code()
    {
        var e = Pkcs11Errors.Unavailable(CKR.CKR_DEVICE_REMOVED, "prod-hsm", "decrypt");

        Assert.IsType<CustosUnavailableException>(e);
        Assert.Equal("HSM token 'prod-hsm' could not decrypt: the HSM was removed during the call (CKR_DEVICE_REMOVED)", e.Message);
    }

    [Fact]
    public void Unknown_and_vendor_codes_are_named_by_number()
    {
        Assert.Equal("the HSM returned code 0x000001F0", Pkcs11Errors.Describe((CKR)0x1F0));
        Assert.Equal("the HSM returned vendor-defined code 0x80000123", Pkcs11Errors.Describe((CKR)0x80000123));
        Assert.Equal("0x000001F0", Pkcs11Errors.Name((CKR)0x1F0));
        Assert.Equal("CKR_PIN_LOCKED", Pkcs11Errors.Name(CKR.CKR_PIN_LOCKED));
    }

    [Theory]
    [InlineData(CKR.CKR_PIN_INCORRECT, "the HSM rejected the PIN for token 'tok'")]
    [InlineData(CKR.CKR_PIN_LOCKED, "the PIN for token 'tok' is locked after too many failed logins; a security officer must unlock it")]
    [InlineData(CKR.CKR_PIN_EXPIRED, "the PIN for token 'tok' has expired and must be changed before Custos can log in")]
    [InlineData(CKR.CKR_USER_PIN_NOT_INITIALIZED, "token 'tok' has no user PIN set: initialise it before Custos can log in")]
    public void Login_failures_are_one_sentence(CKR rv, string expected)
    {
        Assert.Equal(expected, Pkcs11Errors.LoginFailed(rv, "tok").Message);
    }
}
