using System.CommandLine;
using Custos.Core.Access;

namespace Custos.Cli.Commands;

/// <summary>
/// <c>--justification CODE</c> and <c>--reason TEXT</c> of the data-plane commands: sent as the
/// <c>Custos-Justification</c> header and recorded with the request's audit event. Checked here first, so
/// that a typo fails with the list of codes before anything is sent.
/// </summary>
public sealed class JustificationOptions
{
    /// <summary>--justification.</summary>
    public Option<string?> Code { get; } = new("--justification")
    {
        Description = "Why the key is used: a published code, e.g. scheduled-job or customer-initiated-support (see 'custos justifications')",
    };

    /// <summary>--reason.</summary>
    public Option<string?> Reason { get; } = new("--reason") { Description = "Free text for the justification, e.g. a ticket number (needs --justification)" };

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Code);
        command.Options.Add(Reason);
    }

    /// <summary>The justification given (null when none); a bad one is a usage error (exit 2), before anything is sent.</summary>
    public Justification? Read(ParseResult p)
    {
        var code = p.GetValue(Code);
        var reason = p.GetValue(Reason);
        if (code is null)
        {
            if (reason is not null) throw new CliException("--reason needs --justification CODE (see 'custos justifications')", 2);
            return null;
        }
        if (code.Contains(';', StringComparison.Ordinal)) throw new CliException("--justification is one code; give the text with --reason", 2);
        var parsed = Justification.Parse(reason is null ? code : $"{code}; {reason}");
        if (!parsed.IsSuccess) throw new CliException(parsed.Error.Message.Replace(Justification.HeaderName + " ", "", StringComparison.Ordinal), 2);
        return parsed.Value;
    }
}
