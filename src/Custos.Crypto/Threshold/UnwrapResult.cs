namespace Custos.Crypto.Threshold;

/// <summary>
/// The outcome of a threshold unwrap (<see cref="ThresholdCombiner.Unwrap"/>): the data key, or a closed
/// <see cref="UnwrapError"/> with a message the custodian layer can show as is ("2 of 3 custodians needed,
/// 1 answered"). Either way it lists the partials refused and which custodians were combined. Dispose it to zero
/// the data key (or take <see cref="DataKey"/> and dispose that).
/// </summary>
public sealed class UnwrapResult : IDisposable
{
    private UnwrapResult(UnwrapError error, SecretBytes? dataKey, int needed, int custodians, IReadOnlyList<int> combined,
        IReadOnlyList<PartialRejection> rejections, string message)
    {
        Error = error;
        DataKey = dataKey;
        Needed = needed;
        Custodians = custodians;
        Combined = combined;
        Rejections = rejections;
        Message = message;
    }

    internal static UnwrapResult Success(SecretBytes dataKey, int needed, int custodians, IReadOnlyList<int> combined, IReadOnlyList<PartialRejection> rejections) =>
        new(UnwrapError.None, dataKey, needed, custodians, combined, rejections, $"unwrapped with custodians {string.Join(", ", combined)}");

    internal static UnwrapResult QuorumNotMet(int needed, int custodians, int valid, IReadOnlyList<PartialRejection> rejections)
    {
        string message = rejections.Count == 0
            ? $"{needed} of {custodians} custodians needed, {valid} answered"
            : $"{needed} of {custodians} custodians needed, {valid} answered with a valid partial; rejected: {string.Join("; ", rejections)}";
        return new(UnwrapError.QuorumNotMet, null, needed, custodians, [], rejections, message);
    }

    internal static UnwrapResult InvalidCiphertext(int needed, int custodians, IReadOnlyList<int> combined, IReadOnlyList<PartialRejection> rejections) =>
        new(UnwrapError.InvalidCiphertext, null, needed, custodians, combined, rejections, InvalidCiphertextException.FixedMessage);

    /// <summary>True when <see cref="DataKey"/> is set.</summary>
    public bool Succeeded => Error == UnwrapError.None;

    /// <summary>Why it failed; <see cref="UnwrapError.None"/> on success.</summary>
    public UnwrapError Error { get; }

    /// <summary>The unwrapped data key; null on failure.</summary>
    public SecretBytes? DataKey { get; }

    /// <summary>k: how many valid partials it takes.</summary>
    public int Needed { get; }

    /// <summary>n: how many custodians hold shares.</summary>
    public int Custodians { get; }

    /// <summary>The custodians whose partials were combined (the first k valid), in the order they were accepted.</summary>
    public IReadOnlyList<int> Combined { get; }

    /// <summary>Every partial refused, with the custodian and why: to exclude and audit.</summary>
    public IReadOnlyList<PartialRejection> Rejections { get; }

    /// <summary>One line for the caller: "2 of 3 custodians needed, 1 answered", "invalid ciphertext", or which custodians unwrapped it.</summary>
    public string Message { get; }

    /// <summary>Zeroes the data key.</summary>
    public void Dispose() => DataKey?.Dispose();

    /// <inheritdoc />
    public override string ToString() => Message;
}
