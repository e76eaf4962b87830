using Custos.Core.Access.Policy;

namespace Custos.Core.Residency.Assessment;

/// <summary>
/// The starting policy an assessment writes: a document <see cref="PolicyDocument.Parse"/> accepts, and
/// for each rule id (access and residency) the lines of the comment that explains it.
/// </summary>
/// <param name="Document">The policy.</param>
/// <param name="Header">Comment lines that open the file.</param>
/// <param name="Comments">Comment lines per rule id.</param>
public sealed record PolicyDraft(PolicyDocument Document, IReadOnlyList<string> Header, IReadOnlyDictionary<string, IReadOnlyList<string>> Comments);
