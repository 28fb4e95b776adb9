namespace DockerFw.Core.Audit;

/// <summary>
/// A stable finding code with the check that raises it, its default severity and a one-line title.
/// Each code has a page in docs/findings/.
/// </summary>
public sealed record FindingCode(string Code, string Check, FindingSeverity Severity, string Title);
