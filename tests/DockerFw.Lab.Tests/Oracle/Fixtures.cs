using System.Text;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// Writes a disagreement's host as a fixture directory an offline test can load:
/// <c>dockerfw audit --iptables iptables-save --ip6tables ip6tables-save --nft nft.json --docker docker-networks.json --docker docker-containers.json --containers</c>.
/// </summary>
public static class Fixtures
{
    public static string? Write(ScenarioOutcome outcome, Disagreement d, IReadOnlyList<Tamper> tampers)
    {
        var name = $"seed-{outcome.Spec.Seed}-{(d.Phase is null ? "" : $"policy-{d.Phase}-")}{d.Class.Replace('/', '-')}";
        // A claim of audit --policy keeps the host of its phase and the policy (the replay passes --policy).
        var dir = HostDirectory("DOCKERFW_ORACLE_FIXTURES", name, outcome.DumpsOf(d.Phase));
        if (dir is null) return null;
        var readme = new StringBuilder()
            .Append(outcome.Spec.WithTampers(tampers).Describe())
            .Append(d.Phase is null ? "" : $"  policy {outcome.PolicyNote}, {outcome.PolicyDetail}\n")
            .Append(d.Render(int.MaxValue))
            .AppendLine()
            .AppendLine("rerun: scripts/soak.sh --seed " + outcome.Spec.Seed);
        File.WriteAllText(Path.Combine(dir, "README.txt"), readme.ToString());
        File.WriteAllText(Path.Combine(dir, "fixture.json"), System.Text.Json.JsonSerializer.Serialize(
            new { seed = outcome.Spec.Seed, @class = d.Class, phase = d.Phase, claim = d.Claim, tampers = tampers.Select(t => t.ToString()), policy = d.Phase is null ? null : outcome.Spec.Policy }, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return dir;
    }

    /// <summary>
    /// With <c>DOCKERFW_ORACLE_REFUSED=DIR</c>, keeps the host an apply refused (before the apply) and its
    /// policy, so the refusal can be replayed offline with <c>dockerfw plan</c>: a refusal is honest, but
    /// one the plan could have made true is a plan to improve.
    /// </summary>
    public static string? WriteRefused(ScenarioOutcome outcome, PolicySpec policy, string detail)
    {
        var dir = HostDirectory("DOCKERFW_ORACLE_REFUSED", $"seed-{outcome.Spec.Seed}-refused", outcome.Dumps);
        if (dir is null) return null;
        File.WriteAllText(Path.Combine(dir, "oracle.policy"), policy.Text);
        File.WriteAllText(Path.Combine(dir, "README.txt"),
            outcome.Spec.Describe() + "  policy refused: " + detail + "\nrerun: scripts/soak.sh --seed " + outcome.Spec.Seed + "\n");
        return dir;
    }

    /// <summary>The directory NAME under the root the variable names, holding the host's dumps; null when the variable is unset.</summary>
    private static string? HostDirectory(string variable, string name, IReadOnlyDictionary<string, string> dumps)
    {
        var root = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(root)) return null;
        var dir = Path.Combine(root, name);
        Directory.CreateDirectory(dir);
        foreach (var (file, text) in dumps) File.WriteAllText(Path.Combine(dir, file), text);
        return dir;
    }
}
