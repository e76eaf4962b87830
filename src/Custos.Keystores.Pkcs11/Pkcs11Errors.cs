using Custos.Core.Errors;
using Net.Pkcs11Interop.Common;

namespace Custos.Keystores.Pkcs11;

/// <summary>
/// Translates PKCS#11 return values (<c>CKR_*</c>) into Custos errors at the adapter edge. Messages are
/// plain sentences safe to show to an operator: they name the token, the operation and the code, never
/// a PIN, key material or plaintext. Codes this table does not know are named by their number.
/// </summary>
public static class Pkcs11Errors
{
    /// <summary>What <paramref name="rv"/> means, as a clause ("the session was closed").</summary>
    public static string Describe(CKR rv) => rv switch
    {
        CKR.CKR_OK => "no error",
        CKR.CKR_CANCEL => "the operation was cancelled by a callback",
        CKR.CKR_HOST_MEMORY => "the PKCS#11 module ran out of host memory",
        CKR.CKR_SLOT_ID_INVALID => "the slot does not exist",
        CKR.CKR_GENERAL_ERROR => "the module reported an unrecoverable general error",
        CKR.CKR_FUNCTION_FAILED => "the HSM could not perform the function",
        CKR.CKR_ARGUMENTS_BAD => "the module rejected the arguments",
        CKR.CKR_NO_EVENT => "no slot event occurred",
        CKR.CKR_NEED_TO_CREATE_THREADS => "the module needs to create threads but was not allowed to",
        CKR.CKR_CANT_LOCK => "the module cannot provide the locking Custos asked for",
        CKR.CKR_ATTRIBUTE_READ_ONLY => "an attribute is read-only",
        CKR.CKR_ATTRIBUTE_SENSITIVE => "an attribute is sensitive and cannot be revealed",
        CKR.CKR_ATTRIBUTE_TYPE_INVALID => "the token does not know an attribute type",
        CKR.CKR_ATTRIBUTE_VALUE_INVALID => "the token rejected an attribute value",
        CKR.CKR_ACTION_PROHIBITED => "the token's policy prohibits the action",
        CKR.CKR_DATA_INVALID => "the input data is invalid for the mechanism",
        CKR.CKR_DATA_LEN_RANGE => "the input data has a length the mechanism does not accept",
        CKR.CKR_DEVICE_ERROR => "the HSM reported a device error",
        CKR.CKR_DEVICE_MEMORY => "the HSM is out of memory",
        CKR.CKR_DEVICE_REMOVED => "the HSM was removed during the call",
        CKR.CKR_ENCRYPTED_DATA_INVALID => "the ciphertext is invalid",
        CKR.CKR_ENCRYPTED_DATA_LEN_RANGE => "the ciphertext has an invalid length",
        CKR.CKR_FUNCTION_CANCELED => "the function was cancelled",
        CKR.CKR_FUNCTION_NOT_PARALLEL => "the function cannot run in parallel",
        CKR.CKR_FUNCTION_NOT_SUPPORTED => "the module does not support the function",
        CKR.CKR_KEY_HANDLE_INVALID => "the key handle is no longer valid",
        CKR.CKR_KEY_SIZE_RANGE => "the key size is outside what the mechanism supports",
        CKR.CKR_KEY_TYPE_INCONSISTENT => "the key type does not fit the mechanism",
        CKR.CKR_KEY_NOT_NEEDED => "a key was given where none is needed",
        CKR.CKR_KEY_CHANGED => "the key differs from the one used before",
        CKR.CKR_KEY_NEEDED => "the operation needs a key that was not given",
        CKR.CKR_KEY_INDIGESTIBLE => "the key cannot be digested",
        CKR.CKR_KEY_FUNCTION_NOT_PERMITTED => "the key's attributes do not permit this use",
        CKR.CKR_KEY_NOT_WRAPPABLE => "the key cannot be wrapped",
        CKR.CKR_KEY_UNEXTRACTABLE => "the key is not extractable",
        CKR.CKR_MECHANISM_INVALID => "the token does not support the mechanism",
        CKR.CKR_MECHANISM_PARAM_INVALID => "the token rejected the mechanism parameters",
        CKR.CKR_OBJECT_HANDLE_INVALID => "the object handle is no longer valid",
        CKR.CKR_OPERATION_ACTIVE => "another operation is already active in the session",
        CKR.CKR_OPERATION_NOT_INITIALIZED => "no operation is active in the session",
        CKR.CKR_PIN_INCORRECT => "the HSM rejected the PIN",
        CKR.CKR_PIN_INVALID => "the PIN contains characters the HSM does not accept",
        CKR.CKR_PIN_LEN_RANGE => "the PIN has a length the HSM does not accept",
        CKR.CKR_PIN_EXPIRED => "the PIN has expired and must be changed",
        CKR.CKR_PIN_LOCKED => "the PIN is locked after too many failed logins",
        CKR.CKR_SESSION_CLOSED => "the session was closed",
        CKR.CKR_SESSION_COUNT => "the token has no more sessions available",
        CKR.CKR_SESSION_HANDLE_INVALID => "the session handle is no longer valid",
        CKR.CKR_SESSION_PARALLEL_NOT_SUPPORTED => "the token does not support parallel sessions",
        CKR.CKR_SESSION_READ_ONLY => "the session is read-only",
        CKR.CKR_SESSION_EXISTS => "a session is already open",
        CKR.CKR_SESSION_READ_ONLY_EXISTS => "a read-only session exists, so the security officer cannot log in",
        CKR.CKR_SESSION_READ_WRITE_SO_EXISTS => "a security officer session exists, so a read-only session cannot be opened",
        CKR.CKR_SIGNATURE_INVALID => "the signature is invalid",
        CKR.CKR_SIGNATURE_LEN_RANGE => "the signature has an invalid length",
        CKR.CKR_TEMPLATE_INCOMPLETE => "the object template is incomplete",
        CKR.CKR_TEMPLATE_INCONSISTENT => "the object template is inconsistent",
        CKR.CKR_TOKEN_NOT_PRESENT => "the token is not present in its slot",
        CKR.CKR_TOKEN_NOT_RECOGNIZED => "the module does not recognise the token",
        CKR.CKR_TOKEN_WRITE_PROTECTED => "the token is write-protected",
        CKR.CKR_UNWRAPPING_KEY_HANDLE_INVALID => "the unwrapping key handle is not valid",
        CKR.CKR_UNWRAPPING_KEY_SIZE_RANGE => "the unwrapping key size is outside what the mechanism supports",
        CKR.CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT => "the unwrapping key type does not fit the mechanism",
        CKR.CKR_USER_ALREADY_LOGGED_IN => "the user is already logged in",
        CKR.CKR_USER_NOT_LOGGED_IN => "the session is not logged in",
        CKR.CKR_USER_PIN_NOT_INITIALIZED => "the token has no user PIN set",
        CKR.CKR_USER_TYPE_INVALID => "the user type is not valid",
        CKR.CKR_USER_ANOTHER_ALREADY_LOGGED_IN => "another user is already logged in to the token",
        CKR.CKR_USER_TOO_MANY_TYPES => "too many different users are logged in to the token",
        CKR.CKR_WRAPPED_KEY_INVALID => "the wrapped key is invalid",
        CKR.CKR_WRAPPED_KEY_LEN_RANGE => "the wrapped key has an invalid length",
        CKR.CKR_WRAPPING_KEY_HANDLE_INVALID => "the wrapping key handle is not valid",
        CKR.CKR_WRAPPING_KEY_SIZE_RANGE => "the wrapping key size is outside what the mechanism supports",
        CKR.CKR_WRAPPING_KEY_TYPE_INCONSISTENT => "the wrapping key type does not fit the mechanism",
        CKR.CKR_RANDOM_SEED_NOT_SUPPORTED => "the token's random generator cannot be seeded",
        CKR.CKR_RANDOM_NO_RNG => "the token has no random number generator",
        CKR.CKR_DOMAIN_PARAMS_INVALID => "the domain parameters are invalid or unsupported",
        CKR.CKR_CURVE_NOT_SUPPORTED => "the token does not support the curve",
        CKR.CKR_BUFFER_TOO_SMALL => "an output buffer was too small",
        CKR.CKR_SAVED_STATE_INVALID => "the saved operation state is invalid",
        CKR.CKR_INFORMATION_SENSITIVE => "the requested information is sensitive",
        CKR.CKR_STATE_UNSAVEABLE => "the operation state cannot be saved",
        CKR.CKR_CRYPTOKI_NOT_INITIALIZED => "the PKCS#11 module is not initialised",
        CKR.CKR_CRYPTOKI_ALREADY_INITIALIZED => "the PKCS#11 module is already initialised",
        CKR.CKR_MUTEX_BAD => "the module was given a bad mutex",
        CKR.CKR_MUTEX_NOT_LOCKED => "the module unlocked a mutex that was not locked",
        CKR.CKR_NEW_PIN_MODE => "the token expects a new PIN to be set",
        CKR.CKR_NEXT_OTP => "the token expects the next one-time password",
        CKR.CKR_EXCEEDED_MAX_ITERATIONS => "the token exceeded its maximum number of iterations",
        CKR.CKR_FIPS_SELF_TEST_FAILED => "the HSM failed its FIPS self-test",
        CKR.CKR_LIBRARY_LOAD_FAILED => "the module could not load a library it depends on",
        CKR.CKR_PIN_TOO_WEAK => "the PIN is too weak",
        CKR.CKR_PUBLIC_KEY_INVALID => "the public key is invalid",
        CKR.CKR_FUNCTION_REJECTED => "the token rejected the function",
        >= CKR.CKR_VENDOR_DEFINED => $"the HSM returned vendor-defined code 0x{(ulong)rv:X8}",
        _ => $"the HSM returned code 0x{(ulong)rv:X8}",
    };

    /// <summary>The name of <paramref name="rv"/> (<c>CKR_PIN_LOCKED</c>), or its number when unknown.</summary>
    public static string Name(CKR rv) => Enum.IsDefined(rv) ? rv.ToString() : $"0x{(ulong)rv:X8}";

    /// <summary>
    /// The core error for a failed call: "HSM token 'LABEL' could not OPERATION: MEANING (CKR_NAME)".
    /// </summary>
    public static CustosUnavailableException Unavailable(CKR rv, string tokenLabel, string operation, Exception? inner = null) =>
        Error.Unavailable($"HSM token '{tokenLabel}' could not {operation}: {Describe(rv)} ({Name(rv)})", inner);

    /// <summary>
    /// The one-sentence startup error for a failed login with the configured PIN (the PIN itself never
    /// appears in it).
    /// </summary>
    public static CustosUnavailableException LoginFailed(CKR rv, string tokenLabel, Exception? inner = null) => rv switch
    {
        CKR.CKR_PIN_INCORRECT => Error.Unavailable($"the HSM rejected the PIN for token '{tokenLabel}'", inner),
        CKR.CKR_PIN_LOCKED => Error.Unavailable($"the PIN for token '{tokenLabel}' is locked after too many failed logins; a security officer must unlock it", inner),
        CKR.CKR_PIN_EXPIRED => Error.Unavailable($"the PIN for token '{tokenLabel}' has expired and must be changed before Custos can log in", inner),
        CKR.CKR_PIN_LEN_RANGE or CKR.CKR_PIN_INVALID => Error.Unavailable($"the HSM rejected the PIN for token '{tokenLabel}' ({Describe(rv)})", inner),
        CKR.CKR_USER_PIN_NOT_INITIALIZED => Error.Unavailable($"token '{tokenLabel}' has no user PIN set: initialise it before Custos can log in", inner),
        _ => Error.Unavailable($"Custos could not log in to HSM token '{tokenLabel}': {Describe(rv)} ({Name(rv)})", inner),
    };

    /// <summary>
    /// True for codes after which reopening sessions, logging in again or re-initialising the module may
    /// make the same call succeed (a lost session, a logged-out application, a restarted module).
    /// </summary>
    internal static bool IsRecoverable(CKR rv) => EndsSession(rv) || rv is CKR.CKR_OBJECT_HANDLE_INVALID or CKR.CKR_KEY_HANDLE_INVALID;

    /// <summary>True for codes after which the session that returned them is no use any more.</summary>
    internal static bool EndsSession(CKR rv) => rv is
        CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED or CKR.CKR_USER_NOT_LOGGED_IN or
        CKR.CKR_DEVICE_REMOVED or CKR.CKR_TOKEN_NOT_PRESENT or CKR.CKR_TOKEN_NOT_RECOGNIZED or
        CKR.CKR_CRYPTOKI_NOT_INITIALIZED or CKR.CKR_DEVICE_ERROR;
}
