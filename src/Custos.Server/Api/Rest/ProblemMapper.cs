using Custos.Core.Errors;

namespace Custos.Server.Api.Rest;

/// <summary>The one place where core errors become HTTP: RFC 9457 problem+json with a stable type per code.</summary>
public static class ProblemMapper
{
    /// <summary>Prefix of every problem type.</summary>
    public const string TypePrefix = "urn:custos:problem:";

    /// <summary>HTTP status for a core error code.</summary>
    public static int Status(ErrorCode code) => code switch
    {
        ErrorCode.ValidationFailed or ErrorCode.InvalidCiphertext or ErrorCode.InvalidShare
            or ErrorCode.InvalidKeyUsage or ErrorCode.CustodyUnavailable => StatusCodes.Status400BadRequest,
        ErrorCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        ErrorCode.Forbidden or ErrorCode.ApprovalRequired or ErrorCode.ResidencyViolation => StatusCodes.Status403Forbidden,
        ErrorCode.NotFound => StatusCodes.Status404NotFound,
        ErrorCode.AliasAlreadyExists or ErrorCode.InvalidKeyState or ErrorCode.KeyDisabled or ErrorCode.KeyPendingDestruction
            or ErrorCode.KeyDestroyed or ErrorCode.AlreadyInitialized or ErrorCode.Conflict or ErrorCode.CeremonyPending => StatusCodes.Status409Conflict,
        ErrorCode.Sealed or ErrorCode.NotInitialized or ErrorCode.Unavailable or ErrorCode.AuditUnavailable
            or ErrorCode.CustodiansUnavailable => StatusCodes.Status503ServiceUnavailable,
        ErrorCode.Throttled => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The problem result for a core error (with <c>Retry-After</c> when the error carries one).</summary>
    public static IResult ToResult(CustosError error)
    {
        var problem = error.Details is not { Count: > 0 } details
            ? Problem(error.Code, error.Message)
            : Results.Problem(type: TypePrefix + error.Code.WireName(), title: Title(error.Code), detail: error.Message, statusCode: Status(error.Code),
                extensions: details.ToDictionary(d => d.Key, d => (object?)d.Value));
        return error.RetryAfter is { } after ? new WithRetryAfter(problem, after) : problem;
    }

    /// <summary>Whole seconds for a <c>Retry-After</c> header: rounded up, at least 1.</summary>
    public static string RetryAfterSeconds(TimeSpan after) =>
        Math.Max(1, (long)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Sets <c>Retry-After</c>, then writes the problem.</summary>
    private sealed class WithRetryAfter(IResult problem, TimeSpan after) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds(after);
            return problem.ExecuteAsync(httpContext);
        }
    }

    /// <summary>A problem result for a code and a message that is safe to show.</summary>
    public static IResult Problem(ErrorCode code, string detail) =>
        Results.Problem(
            type: TypePrefix + code.WireName(),
            title: Title(code),
            detail: detail,
            statusCode: Status(code));

    private static string Title(ErrorCode code) => code switch
    {
        ErrorCode.ValidationFailed => "Invalid request",
        ErrorCode.NotFound => "Not found",
        ErrorCode.AliasAlreadyExists => "Alias already exists",
        ErrorCode.InvalidKeyState => "Invalid key state",
        ErrorCode.KeyDisabled => "Key disabled",
        ErrorCode.KeyPendingDestruction => "Key pending destruction",
        ErrorCode.KeyDestroyed => "Key destroyed",
        ErrorCode.InvalidKeyUsage => "Invalid key usage",
        ErrorCode.InvalidCiphertext => "Invalid ciphertext",
        ErrorCode.Sealed => "Sealed",
        ErrorCode.NotInitialized => "Not initialised",
        ErrorCode.AlreadyInitialized => "Already initialised",
        ErrorCode.InvalidShare => "Invalid unseal share",
        ErrorCode.Unauthenticated => "Unauthenticated",
        ErrorCode.Forbidden => "Forbidden",
        ErrorCode.CustodyUnavailable => "Custody unavailable",
        ErrorCode.Conflict => "Conflict",
        ErrorCode.Unavailable => "Service unavailable",
        ErrorCode.AuditUnavailable => "Audit log unavailable",
        ErrorCode.Throttled => "Too many requests",
        ErrorCode.ApprovalRequired => "Approval required",
        ErrorCode.CeremonyPending => "Init ceremony pending",
        ErrorCode.ResidencyViolation => "Residency violation",
        ErrorCode.CustodiansUnavailable => "Custodians unavailable",
        _ => "Error",
    };
}
