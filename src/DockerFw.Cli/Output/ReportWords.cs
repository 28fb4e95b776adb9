using DockerFw.Core.Audit;

namespace DockerFw.Cli.Output;

/// <summary>The words every format uses for the report's enums, so text, JSON and SARIF agree.</summary>
internal static class ReportWords
{
    public static string Of(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Info => "info",
        FindingSeverity.Low => "low",
        FindingSeverity.Medium => "medium",
        FindingSeverity.High => "high",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, null),
    };

    public static string Of(ReachabilityVerdict verdict) => verdict switch
    {
        ReachabilityVerdict.Allowed => "allowed",
        ReachabilityVerdict.Denied => "denied",
        ReachabilityVerdict.Partial => "partial",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
    };

    /// <summary>A declared or effective switch: on, off, or ? where it cannot be known.</summary>
    public static string Switch(bool? value) => value switch { true => "on", false => "off", null => "?" };

    /// <summary>What the rules make of a setting: a switch, or partial with the flows that pass.</summary>
    public static string Effective(Setting setting) =>
        setting.PartialFlows is { } flows ? $"partial ({string.Join(", ", flows.Select(Core.Audit.Analysis.FlowWords.Of))})" : Switch(setting.Effective);

    /// <summary>An address as a port table shows it: <c>*</c> for any, IPv6 in brackets so its port reads apart.</summary>
    public static string Address(string? ip) => ip switch
    {
        null => "*",
        _ when ip.Contains(':', StringComparison.Ordinal) => $"[{ip}]",
        _ => ip,
    };

    /// <summary>
    /// The most networks a matrix is drawn as a grid for (text, markdown, HTML). Past it a grid is
    /// unreadable and grows as N²: the formats say what the JSON says instead, every pair denied but
    /// those listed (<see cref="GroupedMatrix"/>).
    /// </summary>
    public const int GridLimit = 30;

    /// <summary>The grouped form of a matrix: how many networks and pairs, and that every pair not listed is denied.</summary>
    public static string GroupedMatrix(ReachabilityMatrix matrix) =>
        $"{matrix.Networks.Length} networks, {matrix.Count} ordered pairs: " + (matrix.Listed.IsEmpty
            ? "every pair denied"
            : $"every pair denied except the {matrix.Listed.Length} listed");

    public static FindingSeverity? SeverityOf(string word) =>
        Enum.GetValues<FindingSeverity>().Select(s => (FindingSeverity?)s).FirstOrDefault(s => Of(s!.Value) == word);

    public static IEnumerable<string> Severities => Enum.GetValues<FindingSeverity>().Select(Of);
}
