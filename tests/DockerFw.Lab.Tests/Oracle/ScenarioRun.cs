using System.Diagnostics;
using System.Text.Json;
using DockerFw.Cli;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>What one run of a scenario found, and the host as it was (the dumps a fixture keeps).</summary>
public sealed record ScenarioOutcome(ScenarioSpec Spec, int Checked, int Probes, IReadOnlyList<Disagreement> Disagreements, double Seconds, IReadOnlyDictionary<string, string> Dumps);

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
        var disagreements = checker.Check();
        return new ScenarioOutcome(spec, checker.Checked, probes.Count, disagreements, clock.Elapsed.TotalSeconds, dumps);
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

    /// <summary>What an offline audit needs to see the same host: the three rule listings, Docker's JSON, the sysctls.</summary>
    private static Dictionary<string, string> Dumps(OracleLab lab, string auditJson)
    {
        var ids = lab.MustDocker("ps", "-aq").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var networks = lab.MustDocker("network", "ls", "-q").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return new Dictionary<string, string>
        {
            ["iptables-save"] = lab.InLab("iptables-save").Out,
            ["ip6tables-save"] = lab.InLab("ip6tables-save").Out,
            ["nft.json"] = lab.InLab("nft", "-j", "list", "ruleset").Out,
            ["docker-networks.json"] = lab.MustDocker(["network", "inspect", .. networks]),
            ["docker-containers.json"] = ids.Length == 0 ? "[]" : lab.MustDocker(["inspect", .. ids]),
            ["sysctls"] = lab.InLab("sysctl", "net.ipv4.ip_forward", "net.bridge.bridge-nf-call-iptables", "net.bridge.bridge-nf-call-ip6tables").Out,
            ["audit.json"] = auditJson,
        };
    }
}
