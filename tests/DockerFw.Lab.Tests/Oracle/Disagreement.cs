namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// A claim real traffic refutes. <see cref="Class"/> names what kind of claim and how it failed
/// (<c>icc/false-but-reached</c>): the known-wrong-answer list and the soak's figures count by it.
/// <see cref="Phase"/> says which audit made the claim: null for the first, <c>applied</c> after the
/// scenario's policy was applied, <c>undone</c> after it was partly undone (both with <c>--policy</c>).
/// </summary>
public sealed record Disagreement(string Class, string Claim, IReadOnlyList<ProbeResult> Traffic, string? Phase = null)
{
    public string Render(int maxProbes = 8) =>
        $"[{Class}]{(Phase is null ? "" : $" (policy {Phase})")} the audit claims {Claim}\n" +
        string.Concat(Traffic.Take(maxProbes).Select(p => $"      traffic: {p}\n")) +
        (Traffic.Count > maxProbes ? $"      ... and {Traffic.Count - maxProbes} more probes\n" : "");
}
