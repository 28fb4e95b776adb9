namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// A claim real traffic refutes. <see cref="Class"/> names what kind of claim and how it failed
/// (<c>icc/false-but-reached</c>): the known-wrong-answer list and the soak's figures count by it.
/// </summary>
public sealed record Disagreement(string Class, string Claim, IReadOnlyList<ProbeResult> Traffic)
{
    public string Render(int maxProbes = 8) =>
        $"[{Class}] the audit claims {Claim}\n" +
        string.Concat(Traffic.Take(maxProbes).Select(p => $"      traffic: {p}\n")) +
        (Traffic.Count > maxProbes ? $"      ... and {Traffic.Count - maxProbes} more probes\n" : "");
}
