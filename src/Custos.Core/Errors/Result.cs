using System.Diagnostics.CodeAnalysis;

namespace Custos.Core.Errors;

/// <summary>A value or an expected failure.</summary>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, CustosError? error)
    {
        _value = value;
        Error = error;
    }

    /// <summary>The failure, or null on success.</summary>
    public CustosError? Error { get; }

    /// <summary>True when there is a value.</summary>
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    /// <summary>The value; throws when this is a failure (a programming error).</summary>
    public T Value => Error is null ? _value! : throw new InvalidOperationException($"result is a failure: {Error.Code}");

    /// <summary>A success.</summary>
    public static Result<T> Ok(T value) => new(value, null);

    /// <summary>A failure.</summary>
    public static Result<T> Fail(CustosError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

    /// <summary>Wraps a value.</summary>
    public static implicit operator Result<T>(T value) => Ok(value);

    /// <summary>Wraps a failure.</summary>
    public static implicit operator Result<T>(CustosError error) => Fail(error);
}
