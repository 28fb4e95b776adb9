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
        var root = Environment.GetEnvironmentVariable("DOCKERFW_ORACLE_FIXTURES");
        if (string.IsNullOrEmpty(root)) return null;
        var name = $"seed-{outcome.Spec.Seed}-{d.Class.Replace('/', '-')}";
        var dir = Path.Combine(root, name);
        Directory.CreateDirectory(dir);
        foreach (var (file, text) in outcome.Dumps) File.WriteAllText(Path.Combine(dir, file), text);
        var readme = new StringBuilder()
            .Append(outcome.Spec.WithTampers(tampers).Describe())
            .Append(d.Render(int.MaxValue))
            .AppendLine()
            .AppendLine("rerun: scripts/soak.sh --seed " + outcome.Spec.Seed);
        File.WriteAllText(Path.Combine(dir, "README.txt"), readme.ToString());
        File.WriteAllText(Path.Combine(dir, "fixture.json"), System.Text.Json.JsonSerializer.Serialize(
            new { seed = outcome.Spec.Seed, @class = d.Class, claim = d.Claim, tampers = tampers.Select(t => t.ToString()) }, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return dir;
    }
}
