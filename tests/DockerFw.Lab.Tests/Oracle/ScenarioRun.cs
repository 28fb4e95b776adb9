using System.Diagnostics;
using System.Text.Json;
using DockerFw.Cli;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>What one run of a scenario found, and the host as it was (the dumps a fixture keeps).</summary>
/// <summary><see cref="Checked"/> counts every claim compared; <see cref="ReachChecked"/> those of them that are reach's (pairs of addresses).</summary>
public sealed record ScenarioOutcome(ScenarioSpec Spec, int Checked, int Probes, IReadOnlyList<Disagreement> Disagreements, double Seconds, IReadOnlyDictionary<string, string> Dumps, int ReachChecked = 0);

/// <summary>
/// Runs one scenario on a fresh daemon: build, tamper, audit, probe, compare. The daemon, its
/// containers and both namespaces are gone when it returns, whatever happened.
/// </summary>
public static class ScenarioRun
{
    public static ScenarioOutcome Run(ScenarioSpec spec)
    {
        var clock = Stopwatch.StartNew();
        using var lab = OracleLab.Start(spec.DaemonFlags);
        using var servers = new EchoServers();
        var built = BuiltScenario.Build(spec, lab, servers);
        foreach (var tamper in spec.Tampers) TamperApplier.Apply(built, tamper);

        var (exit, json, error) = Audit(lab);
        var probes = ProbePlan.For(built);
        var results = ProbeRunner.Run(probes);
        var dumps = Dumps(lab, json);
        dumps["traffic.json"] = TrafficFile.Write(results);
        if (exit is not (0 or 1))
            return new ScenarioOutcome(spec, 1, probes.Count, [new Disagreement("audit-error", $"exit {exit}: {error.Trim()}", [])], clock.Elapsed.TotalSeconds, dumps);

        var checker = new ClaimChecker(JsonDocument.Parse(json).RootElement, results);
        var reach = new ReachChecker(dumps, results);
        var disagreements = checker.Check().Concat(reach.Check()).ToList();
        return new ScenarioOutcome(spec, checker.Checked + reach.Checked, probes.Count, disagreements, clock.Elapsed.TotalSeconds, dumps, reach.Checked);
    }

    private static (int Exit, string Json, string Error) Audit(OracleLab lab)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = DockerFwApp.Run(
            ["audit", "--netns", lab.Netns, "--docker-host", lab.DockerHost, "--format", "json", "--containers"],
            new StandardStreams(new StringReader(""), output, error));
        return (exit, output.ToString(), error.ToString());
    }

    private static string Warning(ShResult save) =>
        string.Concat(save.Error.Split('\n').Where(l => l.StartsWith("# Warning: iptables-legacy tables present", StringComparison.Ordinal)).Select(l => l + "\n")) + save.Out;

    /// <summary>What an offline audit needs to see the same host: the three rule listings, Docker's JSON, the sysctls, the interfaces (reach's host addresses).</summary>
    private static Dictionary<string, string> Dumps(OracleLab lab, string auditJson)
    {
        var ids = lab.MustDocker("ps", "-aq").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var networks = lab.MustDocker("network", "ls", "-q").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return new Dictionary<string, string>
        {
            // As live mode keeps it: the warning that half of the firewall is in the other back end.
            ["iptables-save"] = Warning(lab.InLab("iptables-save")),
            ["iptables-legacy-save"] = lab.InLab("iptables-legacy-save").Out,
            ["ip6tables-save"] = lab.InLab("ip6tables-save").Out,
            ["nft.json"] = lab.InLab("nft", "-j", "list", "ruleset").Out,
            ["docker-networks.json"] = lab.MustDocker(["network", "inspect", .. networks]),
            ["docker-containers.json"] = ids.Length == 0 ? "[]" : lab.MustDocker(["inspect", .. ids]),
            ["sysctls"] = lab.InLab("sysctl", "net.ipv4.ip_forward", "net.bridge.bridge-nf-call-iptables", "net.bridge.bridge-nf-call-ip6tables").Out,
            ["host.json"] = lab.InLab("ip", "-d", "-j", "addr", "show").Out,
            ["audit.json"] = auditJson,
        };
    }
}
