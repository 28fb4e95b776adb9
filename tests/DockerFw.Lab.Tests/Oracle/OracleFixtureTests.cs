using System.Text.Json;
using DockerFw.Cli;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The kept reproductions: each fixture the oracle wrote (Oracle/Fixtures/NAME: the host's dumps,
/// Docker's JSON, the traffic the kernel answered) audited offline and its claims checked against the
/// recorded traffic, with no root and no daemon. A fixture whose wrong answer is still open is listed
/// in <see cref="Open"/> and must still disagree (so the fix that closes it is seen and the entry
/// removed); every other fixture must agree.
/// </summary>
public sealed class OracleFixtureTests
{
    /// <summary>Fixtures of wrong answers not fixed yet, and where they are written up.</summary>
    public static readonly IReadOnlyDictionary<string, string> Open = new Dictionary<string, string>
    {
        ["seed-5481-container-matrix-allowed-but-blocked"] = "F61's rest, docs/oracle-findings.md",
        ["seed-5485-finding-DFW514-but-unreached"] = "F61's rest, docs/oracle-findings.md",
        ["seed-5545-container-matrix-partial-reached-outside-flows"] = "F61's rest, docs/oracle-findings.md",
    };

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        if (Directory.Exists(Root))
            foreach (var dir in Directory.GetDirectories(Root).Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(dir));
        return data;
    }

    internal static string Root => Path.Combine(AppContext.BaseDirectory, "Oracle", "Fixtures");

    [Theory]
    [MemberData(nameof(Names))]
    public void A_kept_reproduction_agrees_with_its_recorded_traffic_unless_still_open(string name)
    {
        var dir = Path.Combine(Root, name);
        var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "fixture.json"))).RootElement;
        var cls = fixture.GetProperty("class").GetString()!;
        var policyFile = Path.Combine(dir, "policy");
        var audit = OfflineAudit(dir, File.Exists(policyFile) ? policyFile : null);
        var traffic = TrafficFile.Read(File.ReadAllText(Path.Combine(dir, "traffic.json")));
        var dumps = Directory.GetFiles(dir).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);
        // As the live run does (ScenarioRun): a masquerade probe whose way out the filter closes is not compared.
        var disagreements = WayOut.WithoutClosedWays([.. new ClaimChecker(audit, traffic).Check(), .. new ReachChecker(dumps, traffic).Check()], dumps).ToList();
        // A claim of audit --policy: the policy the oracle wrote, as fixture.json keeps it.
        if (fixture.TryGetProperty("policy", out var spec) && spec.ValueKind == JsonValueKind.Object)
            disagreements.AddRange(new PolicyClaims(audit, traffic, spec.Deserialize<PolicySpec>()!, new EndpointView(dumps["docker-networks.json"], dumps["docker-containers.json"])).Check());
        var still = disagreements.Where(d => d.Class == cls).ToList();
        if (Open.TryGetValue(name, out var where))
            Assert.True(still.Count > 0, $"{name} ({where}) agrees with its traffic now: remove it from OracleFixtureTests.Open");
        else
            Assert.True(still.Count == 0, string.Concat(still.Select(d => d.Render())));
    }

    private static JsonElement OfflineAudit(string dir, string? policy)
    {
        string[] policyOption = policy is null ? [] : ["--policy", policy];
        var sysctls = File.ReadAllLines(Path.Combine(dir, "sysctls"))
            .Select(l => l.Split('=', 2, StringSplitOptions.TrimEntries)).Where(kv => kv.Length == 2)
            .SelectMany(kv => new[] { "--sysctl", $"{kv[0]}={kv[1]}" });
        // The other iptables back end's dump, when the host had one: the kernel runs both (oracle F7).
        var legacy = Path.Combine(dir, "iptables-legacy-save");
        string[] other = File.Exists(legacy) && File.ReadAllLines(legacy).Any(l => l.StartsWith('*')) ? ["--iptables-legacy", legacy] : [];
        // docker info, as live mode reads it: the Engine's version decides a container's default routes.
        var info = Path.Combine(dir, "docker-info.json");
        string[] engine = File.Exists(info) ? ["--docker", info] : [];
        // The host's ipsets, as live mode read them, where the oracle recorded them.
        var ipsets = Path.Combine(dir, "ipset.save");
        string[] sets = File.Exists(ipsets) ? ["--ipsets", ipsets] : [];
        // And its routes, as live mode reads them and the oracle gives them to reach: the reverse-path check asks them (F33).
        string[] routes = [.. new[] { "ip-route-v4.json", "ip-route-v6.json" }.Select(f => Path.Combine(dir, f)).Where(File.Exists).SelectMany(f => new[] { "--routes", f })];
        // The containers' own routes, as live mode reads them: they decide a default route Docker's view does not record.
        var containerRoutes = Path.Combine(dir, "container-routes");
        string[] observed = File.Exists(containerRoutes) ? ["--container-routes", containerRoutes] : [];
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = DockerFwApp.Run(
            ["audit", "--iptables", Path.Combine(dir, "iptables-save"), "--ip6tables", Path.Combine(dir, "ip6tables-save"),
             "--nft", Path.Combine(dir, "nft.json"), "--docker", Path.Combine(dir, "docker-networks.json"),
             "--docker", Path.Combine(dir, "docker-containers.json"), "--containers", "--format", "json", .. engine, .. other, .. sets, .. routes, .. observed, .. policyOption, .. sysctls],
            new StandardStreams(new StringReader(""), output, error));
        Assert.True(exit is 0 or 1, $"audit exited {exit}: {error}");
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }
}
