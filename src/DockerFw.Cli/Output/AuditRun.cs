using System.Collections.Immutable;
using DockerFw.Core.Audit;

namespace DockerFw.Cli.Output;

/// <summary>One input an audit read, as the user named it (<see cref="Kind"/>: iptables, ip6tables, docker, live).</summary>
internal sealed record AuditInput(string Kind, string Name);

/// <summary>
/// What a formatter renders: the report and the facts about the run that the report itself does not
/// carry (which files were read, the host settings given, the tool's version). Formatters decide nothing.
/// </summary>
/// <param name="RulesFile">The IPv4 dump the evidence lines point into; null in live mode.</param>
internal sealed record AuditRun(
    AuditReport Report,
    ImmutableArray<AuditInput> Inputs,
    ImmutableSortedDictionary<string, string> Sysctls,
    string? RulesFile,
    string ToolVersion)
{
    /// <summary><c>--fail-on</c>: the least severity that fails the run; null for never.</summary>
    public FindingSeverity? FailOn { get; init; } = FindingSeverity.High;

    /// <summary>Whether this finding reaches <see cref="FailOn"/> (intended findings are apart and never do).</summary>
    public bool Fails(Finding finding) => FailOn is { } least && finding.Severity >= least;

    /// <summary>Whether the run fails: exit code 1, the verdict Markdown states, JUnit's failures.</summary>
    public bool Failed => Report.Findings.Any(Fails);

    /// <summary>The IPv6 dump the evidence lines of IPv6 findings point into; null in live mode.</summary>
    public string? Rules6File { get; init; }

    /// <summary>
    /// The lines of an input file named as in <see cref="Inputs"/> (null when it is no file, e.g.
    /// stdin or the live host): SARIF's regions give exact columns and whole-file extents with them.
    /// </summary>
    public Func<string, IReadOnlyList<string>?> LinesOf { get; init; } = _ => null;

    /// <summary>
    /// Which host this run judged, as a stable name (the machine and namespace when live, the dump's
    /// path when read from files): SARIF's <c>runAutomationDetails.id</c>, so code scanning keeps one
    /// analysis per host.
    /// </summary>
    public string Host { get; init; } = "host";

    /// <summary>The dump an evidence line points into.</summary>
    public string? FileOf(Evidence evidence) => evidence.Family == Core.Model.Values.IpFamily.V6 ? Rules6File : RulesFile;

    /// <summary>The Docker JSON files read; empty when the view was inferred.</summary>
    public IEnumerable<string> DockerFiles => Inputs.Where(i => i.Kind == "docker").Select(i => i.Name);
}
