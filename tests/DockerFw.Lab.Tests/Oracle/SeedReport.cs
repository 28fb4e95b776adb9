using System.Globalization;
using System.Text;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// One seed judged: its disagreements split into known wrong answers and new ones, each new class with
/// the tamper list shrunk to the fewest edits that still show it, and the fixture written for it.
/// </summary>
public sealed record SeedReport(ScenarioOutcome Outcome, IReadOnlyList<(Disagreement D, KnownWrongAnswer K)> Known, IReadOnlyList<ShrunkDisagreement> New)
{
    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"ORACLE seed={Outcome.Spec.Seed} policy={Outcome.PolicyNote} checked={Outcome.Checked} reach={Outcome.ReachChecked} probes={Outcome.Probes} loopback={Loopback()} snat={Snat()} disagreements={Known.Count + New.Sum(n => n.Count)} known={Known.Count} new={New.Sum(n => n.Count)} seconds={Outcome.Seconds:0.0} classes={string.Join(',', Known.Select(k => Name(k.D) + "(known)").Concat(New.Select(n => Name(n.D))).Distinct().DefaultIfEmpty("-"))}");

    /// <summary>The DFW514 probes of the first phase: how many got to the container, of how many (<c>1/2</c>).</summary>
    private string Loopback()
    {
        var probes = Outcome.Dumps.TryGetValue("traffic.json", out var t)
            ? TrafficFile.Read(t).Where(r => r.Probe.Destination.Equals(System.Net.IPAddress.Loopback)).ToList() : [];
        return $"{probes.Count(r => r.Reached)}/{probes.Count}";
    }

    /// <summary>The first phase's connections that got out: how many left with another address than the uplink's (an SNAT), of how many seen (<c>2/9</c>).</summary>
    private string Snat()
    {
        var seen = Outcome.Dumps.TryGetValue("traffic.json", out var t)
            ? TrafficFile.Read(t).Where(r => r.SeenAs is not null).ToList() : [];
        return $"{seen.Count(r => r.SeenAs!.ToString() != Lab.LabDaemon.UplinkAddress)}/{seen.Count}";
    }

    private static string Name(Disagreement d) => d.Phase is null ? d.Class : $"{d.Phase}:{d.Class}";

    public string Render()
    {
        var text = new StringBuilder();
        text.Append(Outcome.Spec.Describe());
        text.AppendLine(Summary());
        if (Outcome.PolicyNote != "none") text.Append("  policy ").Append(Outcome.PolicyNote).Append(": ").AppendLine(Outcome.PolicyDetail);
        foreach (var g in Known.GroupBy(k => (k.D.Phase, k.D.Class, k.K)))
            text.Append("  known (").Append(g.Key.K.Issue).Append(": ").Append(g.Key.K.Why).Append(", ").Append(g.Count()).Append(" claims; the first:) ").Append(g.First().D.Render(3));
        foreach (var n in New) text.Append(n.Render());
        return text.ToString();
    }
}

/// <summary>A new disagreement, the tamper list it still shows with, and where its fixture went.</summary>
public sealed record ShrunkDisagreement(Disagreement D, IReadOnlyList<Tamper> Tampers, int Count, string? Fixture)
{
    public string Render() =>
        $"  NEW ({Count} claim{(Count == 1 ? "" : "s")} of this class; the first:) {D.Render()}" +
        $"    shrunk tamper list: {(Tampers.Count == 0 ? "(none: Docker's own rules)" : string.Join("; ", Tampers))}\n" +
        (Fixture is null ? "" : $"    fixture: {Fixture}\n");
}
