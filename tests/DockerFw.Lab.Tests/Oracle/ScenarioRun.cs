using System.Diagnostics;
using System.Text.Json;
using DockerFw.Cli;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// What one run of a scenario found, and the host as it was (the dumps a fixture keeps).
/// <see cref="Checked"/> counts every claim compared; <see cref="ReachChecked"/> those of them that are
/// reach's (pairs of addresses). With a policy, <see cref="PhaseDumps"/> holds the host after apply
/// (<c>applied</c>) and after the partial undo (<c>undone</c>), and <see cref="PolicyNote"/> says
/// what happened to it (<c>none</c>, <c>applied</c>, <c>refused</c>).
/// </summary>
public sealed record ScenarioOutcome(ScenarioSpec Spec, int Checked, int Probes, IReadOnlyList<Disagreement> Disagreements, double Seconds, IReadOnlyDictionary<string, string> Dumps, int ReachChecked = 0)
{
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> PhaseDumps { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, string>>();

    public string PolicyNote { get; init; } = "none";

    /// <summary>What apply and the undo did, for the report (the refusal's error, the rule deleted).</summary>
    public string PolicyDetail { get; init; } = "";

    public IReadOnlyDictionary<string, string> DumpsOf(string? phase) => phase is null ? Dumps : PhaseDumps[phase];
}

/// <summary>One audit of the scenario's host checked with one round of probes.</summary>
public sealed record Judged(int Checked, int ReachChecked, int Probes, IReadOnlyList<Disagreement> Disagreements, Dictionary<string, string> Dumps);

/// <summary>
/// Runs one scenario on a fresh daemon: build, tamper, audit, probe, compare. The daemon, its
/// containers and both namespaces are gone when it returns, whatever happened.
/// </summary>
public static class ScenarioRun
{
    public static ScenarioOutcome Run(ScenarioSpec spec)
    {
        var clock = Stopwatch.StartNew();
        using var lab = OracleLab.Start(spec.DaemonFlags, firewalld: spec.Tampers.Any(t => t.Kind == TamperKinds.FirewalldRunning));
        using var servers = new EchoServers();
        var built = BuiltScenario.Build(spec, lab, servers);
        foreach (var tamper in spec.Tampers) TamperApplier.Apply(built, tamper);

        var first = Judge(built, phase: null, policyFile: null);
        var outcome = new ScenarioOutcome(spec, first.Checked, first.Probes, first.Disagreements, 0, first.Dumps, first.ReachChecked);
        if (spec.Policy is { } policy && !first.Disagreements.Any(d => d.Class == "audit-error"))
        {
            var round = PolicyRound.Run(built, policy);
            if (round.Note == "refused") Fixtures.WriteRefused(outcome, policy, round.Detail);
            outcome = outcome with
            {
                Checked = outcome.Checked + round.Phases.Sum(p => p.Checked),
                ReachChecked = outcome.ReachChecked + round.Phases.Sum(p => p.ReachChecked),
                Probes = outcome.Probes + round.Phases.Sum(p => p.Probes),
                Disagreements = [.. outcome.Disagreements, .. round.Phases.SelectMany(p => p.Disagreements)],
                PhaseDumps = round.Dumps,
                PolicyNote = round.Note,
                PolicyDetail = round.Detail,
            };
        }

        return outcome with { Seconds = clock.Elapsed.TotalSeconds };
    }

    /// <summary>
    /// Audits the host (with <c>--policy</c> after the policy's apply), probes it, and checks every
    /// claim: the matrices, icc, masquerade, published ports, the findings, reach, and the policy's
    /// DFW902/903. Each disagreement is tagged with the phase.
    /// </summary>
    public static Judged Judge(BuiltScenario built, string? phase, string? policyFile)
    {
        var (exit, json, error) = Audit(built.Lab, policyFile);
        var probes = ProbePlan.For(built);
        var results = NatSeen.Fill(built.Lab, ProbeRunner.Run(probes));
        var dumps = Dumps(built.Lab, json);
        dumps["traffic.json"] = TrafficFile.Write(results);
        if (policyFile is not null) dumps["policy"] = File.ReadAllText(policyFile);
        if (exit is not (0 or 1))
            return new Judged(1, 0, probes.Count, [new Disagreement("audit-error", $"exit {exit}: {error.Trim()}", [], phase)], dumps);

        var audit = JsonDocument.Parse(json).RootElement;
        var checker = new ClaimChecker(audit, results);
        var reach = new ReachChecker(dumps, results);
        var disagreements = WayOut.WithoutClosedWays([.. checker.Check(), .. reach.Check()], dumps).ToList();
        var policyChecked = 0;
        if (policyFile is not null && built.Spec.Policy is { } policy)
        {
            var claims = new PolicyClaims(audit, results, policy, new EndpointView(dumps["docker-networks.json"], dumps["docker-containers.json"]));
            disagreements.AddRange(claims.Check());
            policyChecked = claims.Checked;
        }

        return new Judged(checker.Checked + reach.Checked + policyChecked, reach.Checked, probes.Count,
            disagreements.Select(d => d with { Phase = phase }).ToList(), dumps);
    }

    private static (int Exit, string Json, string Error) Audit(OracleLab lab, string? policyFile)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        string[] policy = policyFile is null ? [] : ["--policy", policyFile];
        var exit = DockerFwApp.Run(
            ["audit", "--netns", lab.Netns, "--docker-host", lab.DockerHost, "--format", "json", "--containers", .. policy],
            new StandardStreams(new StringReader(""), output, error));
        return (exit, output.ToString(), error.ToString());
    }

    private static string Warning(ProcessResult save) =>
        string.Concat(save.Error.Split('\n').Where(l => l.StartsWith("# Warning: iptables-legacy tables present", StringComparison.Ordinal)).Select(l => l + "\n")) + save.Out;

    private static string ContainerRoutes(OracleLab lab, string[] ids) =>
        ids.Length == 0 ? "" : string.Concat(lab.MustDocker(["inspect", "-f", "{{.Name}} {{.State.Pid}}", .. ids]).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Trim().Split(' ')).Where(p => p.Length == 2 && p[1] != "0")
            .Select(p => $"container {p[0].TrimStart('/')}\n" + lab.InLab("cat", $"/proc/{p[1]}/net/route", $"/proc/{p[1]}/net/ipv6_route").Out));

    /// <summary>What an offline audit needs to see the same host: the three rule listings, Docker's JSON, the sysctls, the interfaces (reach's host addresses), the routes.</summary>
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
            // The Engine's version decides a container's default routes (Analysis/DefaultGateway.cs); live mode reads it too.
            ["docker-info.json"] = lab.MustDocker("info", "--format", "{{json .}}"),
            // rp_filter too: unknown, an IPv4 reply a multi-homed server sends by another bridge is only possible (F36).
            // And conntrack's trackers (-e: a tracker the kernel lacks has no sysctl; HostSettings.HasTracker).
            ["sysctls"] = lab.InLab("sysctl", "-e", "net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding", "net.bridge.bridge-nf-call-iptables", "net.bridge.bridge-nf-call-ip6tables",
                "net.ipv4.conf.all.rp_filter", "net.ipv4.conf.default.rp_filter", Core.Audit.HostSettings.ConntrackSysctl, Core.Audit.HostSettings.SctpTrackerSysctl, Core.Audit.HostSettings.DccpTrackerSysctl).Out
                // Each interface's own rp_filter, which live mode reads and default decides for none (F53).
                + lab.InLab("sysctl", "-a", "-r", @"^net\.ipv4\.conf\.[^.]+\.rp_filter$").Out,
            ["host.json"] = lab.InLab("ip", "-d", "-j", "addr", "show").Out,
            // The routes (reach's reverse-path check asks them), as live mode reads them.
            ["ip-route-v4.json"] = lab.InLab("ip", "-4", "-j", "route", "show", "table", "all").Out,
            ["ip-route-v6.json"] = lab.InLab("ip", "-6", "-j", "route", "show", "table", "all").Out,
            // The ipsets (-m set asks their members), as live mode reads them.
            ["ipset.save"] = lab.InLab("ipset", "save").Out,
            // Each running container's own routes (--container-routes), as live mode reads them from /proc/PID/net.
            ["container-routes"] = ContainerRoutes(lab, ids),
            ["audit.json"] = auditJson,
        };
    }
}
