using System.Collections.Immutable;

namespace DockerFw.Core.Audit;

/// <summary>
/// One problem the audit found: what is wrong (problem first, remedy second in <see cref="Message"/>),
/// which networks and containers it concerns, and the rules that make it so.
/// </summary>
public sealed record Finding(
    FindingCode Code,
    FindingSeverity Severity,
    string Message,
    ImmutableArray<string> Networks,
    ImmutableArray<string> Containers,
    ImmutableArray<Evidence> Evidence)
{
    /// <summary>
    /// The policy statement this finding is exactly what it asks for (null: a real finding). Such a
    /// finding is reported apart (<see cref="AuditReport.Intended"/>) and counts for no <c>--fail-on</c>.
    /// </summary>
    public PolicyIntent? IntendedBy { get; init; }

    public static Finding Of(FindingCode code, string message, IEnumerable<string>? networks = null,
        IEnumerable<string>? containers = null, IEnumerable<Evidence>? evidence = null) =>
        new(code, code.Severity, message, [.. networks ?? []], [.. containers ?? []], [.. evidence ?? []]);
}
