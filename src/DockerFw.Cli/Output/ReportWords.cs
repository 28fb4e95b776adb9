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

    public static FindingSeverity? SeverityOf(string word) =>
        Enum.GetValues<FindingSeverity>().Select(s => (FindingSeverity?)s).FirstOrDefault(s => Of(s!.Value) == word);

    public static IEnumerable<string> Severities => Enum.GetValues<FindingSeverity>().Select(Of);
}
