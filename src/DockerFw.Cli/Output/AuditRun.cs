using System.Collections.Immutable;
using DockerFw.Core.Audit;
using DockerFw.Core.Host;

namespace DockerFw.Cli.Output;

/// <summary>One input an audit read, as the user named it (<see cref="Kind"/>: iptables, ip6tables, docker, live).</summary>
internal sealed record AuditInput(string Kind, string Name);

/// <summary>
/// What a formatter renders: the report and the facts about the run that the report itself does not
/// carry (which files were read, the host settings given, the tool's version). Formatters decide nothing.
/// </summary>
/// <param name="Dumps">The files the rules were read from, named for display: the dumps given, or a bundle's files; empty for stdin and the live host.</param>
internal sealed record AuditRun(
    AuditReport Report,
    ImmutableArray<AuditInput> Inputs,
    ImmutableSortedDictionary<string, string> Sysctls,
    ImmutableArray<DumpOrigin> Dumps,
    string ToolVersion)
{
    /// <summary><c>--fail-on</c>: the least severity that fails the run; null for never.</summary>
    public FindingSeverity? FailOn { get; init; } = FindingSeverity.High;

    /// <summary>Whether this finding reaches <see cref="FailOn"/> (intended findings are apart and never do).</summary>
    public bool Fails(Finding finding) => FailOn is { } least && finding.Severity >= least;

    /// <summary>Whether the run fails: exit code 1, the verdict Markdown states, JUnit's failures.</summary>
    public bool Failed => Report.Findings.Any(Fails);

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

    /// <summary>
    /// The dump file the user named that an evidence line points into; null when the rules came from
    /// stdin, the live host or a bundle (whose report is the live one: it names no file).
    /// </summary>
    /// A native nft table's rule points into the nft listing given (<c>--nft</c>), a route into no file.
    public string? FileOf(Evidence evidence) =>
        evidence.Native ? Inputs.FirstOrDefault(i => i.Kind == "nft")?.Name
        : DumpOf(evidence) is { Captured: false, Archive: null } dump ? dump.Path : null;

    /// <summary>The file an evidence rule can be looked up in, a bundle's included, and its line there.</summary>
    public (DumpOrigin Dump, int Line)? Locate(Evidence evidence) =>
        evidence.Line > 0 && DumpOf(evidence) is { } dump ? (dump, evidence.Line) : null;

    /// <summary>The IPv4 rules' file (else the IPv6 one), where a finding without a rule line points as a whole.</summary>
    public DumpOrigin? RulesDump =>
        Dumps.FirstOrDefault(d => !d.OtherBackend && d.Family == Core.Model.Values.IpFamily.V4) ?? Dumps.FirstOrDefault(d => !d.OtherBackend);

    // A route, or a rule of a native nft table (its line is the nft listing's), is in no iptables dump.
    private DumpOrigin? DumpOf(Evidence evidence) => evidence.Route is not null || evidence.Native ? null
        : Dumps.FirstOrDefault(d => d.Family == evidence.Family && d.OtherBackend == evidence.OtherBackend);

    /// <summary>The Docker JSON files read; empty when the view was inferred.</summary>
    public IEnumerable<string> DockerFiles => Inputs.Where(i => i.Kind == "docker").Select(i => i.Name);
}
