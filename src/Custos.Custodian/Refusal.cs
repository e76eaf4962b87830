namespace Custos.Custodian;

/// <summary>An expected refusal: HTTP status, a stable code (the problem type's last segment), one sentence, and for a refused point its <c>PointRejection</c>.</summary>
public sealed record Refusal(int Status, string Code, string Detail, string? Reason = null)
{
    /// <summary>400 for input that cannot be read or breaks a bound.</summary>
    public static Refusal Invalid(string detail) => new(400, "invalid-request", detail);
    /// <summary>404.</summary>
    public static Refusal NotFound(string code, string detail) => new(404, code, detail);
    /// <summary>409: the request does not fit the state (no such round step, a round of another server).</summary>
    public static Refusal Conflict(string code, string detail) => new(409, code, detail);
}

/// <summary>A value or a <see cref="Refusal"/>.</summary>
public readonly record struct Outcome<T>(T? Value, Refusal? Refusal)
{
    /// <summary>Success.</summary>
    public static implicit operator Outcome<T>(T value) => new(value, null);
    /// <summary>Refusal.</summary>
    public static implicit operator Outcome<T>(Refusal refusal) => new(default, refusal);
}
