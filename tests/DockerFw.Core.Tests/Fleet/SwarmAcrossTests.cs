using DockerFw.Core.Fleet;
using static DockerFw.Core.Tests.Fleet.FleetFixture;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>
/// Swarm mode across hosts (Fixtures/swarm: a the manager at 192.168.77.1, b a worker at .2): each
/// node's swarm ports as the other opens them, through the sender's OUTPUT and the receiver's INPUT,
/// and DFW781 naming the host and the rule that drops one.
/// </summary>
public sealed class SwarmAcrossTests
{
    private static string[] Lines(FleetReport report) =>
        [.. report.Swarm.Select(c => $"{c.Sender.Name} -> {c.Receiver.Name} {c.Port.Display} {c.Addresses}: {c.Outcome}")];

    [Fact]
    public void Every_node_opens_the_others_gossip_and_vxlan_ports_and_the_managers_control_port()
    {
        var report = Run("swarm");

        Assert.Equal(
        [
            "a -> b tcp/7946 192.168.77.1 -> 192.168.77.2: Reachable",
            "a -> b udp/7946 192.168.77.1 -> 192.168.77.2: Reachable",
            "a -> b udp/4789 192.168.77.1 -> 192.168.77.2: Reachable",
            "b -> a tcp/2377 192.168.77.2 -> 192.168.77.1: Reachable",
            "b -> a tcp/7946 192.168.77.2 -> 192.168.77.1: Reachable",
            "b -> a udp/7946 192.168.77.2 -> 192.168.77.1: Reachable",
            "b -> a udp/4789 192.168.77.2 -> 192.168.77.1: Reachable",
        ], Lines(report));
        Assert.Equal(["a the policy ACCEPT of filter/OUTPUT", "b the policy ACCEPT of filter/INPUT"],
            report.Swarm[0].Decisions.Select(d => $"{d.Host} {d.Rule}"));
        Assert.DoesNotContain("DFW781", Codes(report));
    }

    [Fact]
    public void Vxlan_dropped_in_one_hosts_input_blocks_only_the_way_into_it_and_names_the_rule()
    {
        const string drop = "-A INPUT -p udp -m udp --dport 4789 -j DROP";
        var report = Run("swarm", With("b", "filter", drop));

        var blocked = Assert.Single(report.Swarm, c => c.Outcome != CellOutcome.Reachable);
        Assert.Equal("a -> b udp/4789 192.168.77.1 -> 192.168.77.2: Blocked", Lines(report)[report.Swarm.IndexOf(blocked)]);
        var decision = blocked.Decisions[^1];
        Assert.Equal(("b", LegStage.ReceiverInput), (decision.Host, decision.Stage));
        Assert.StartsWith("filter/INPUT#1 ", decision.Rule, StringComparison.Ordinal);
        Assert.EndsWith(": " + drop, decision.Rule, StringComparison.Ordinal);
        var finding = Assert.Single(report.Findings, f => f.Code == FleetCodes.SwarmPortBlocked);
        Assert.Equal("a, b", string.Join(", ", finding.Hosts));
        Assert.Equal($"swarm node a cannot reach b on udp/4789 (overlay data (VXLAN)): 192.168.77.1 -> 192.168.77.2 is dropped in b's INPUT (decided by {decision.Rule}); accept it on b, e.g. iptables -I INPUT -s 192.168.77.1 -p udp --dport 4789 -j ACCEPT", finding.Message);
        Assert.Equal(decision, Assert.Single(finding.Evidence));
    }

    [Fact]
    public void An_input_that_takes_only_new_packets_closes_the_managers_control_port_by_its_answers()
    {
        // b, the worker, takes NEW connections only: the manager's answers on tcp/2377 die in b's INPUT.
        const string drop = "-A INPUT -p tcp -m conntrack --ctstate ESTABLISHED -j DROP";
        var report = Run("swarm", With("b", "filter", drop));

        var blocked = report.Swarm.Where(c => c.Outcome != CellOutcome.Reachable).ToList();
        // b's connections out (2377 and 7946 to a) lose their answers.
        Assert.Equal(["b -> a tcp/2377 192.168.77.2 -> 192.168.77.1: Blocked", "b -> a tcp/7946 192.168.77.2 -> 192.168.77.1: Blocked"],
            blocked.Select(c => Lines(report)[report.Swarm.IndexOf(c)]));
        var decision = blocked[0].Decisions[^1];
        Assert.Equal(("b", LegStage.SenderReplyInput), (decision.Host, decision.Stage));
        Assert.EndsWith(": " + drop, decision.Rule, StringComparison.Ordinal);
        var finding = report.Findings.First(f => f.Code == FleetCodes.SwarmPortBlocked);
        Assert.Equal($"swarm node b cannot reach a on tcp/2377 (cluster management, to a manager): the connections from 192.168.77.2 open, but 192.168.77.1's answers from port 2377 are dropped in b's INPUT (decided by {decision.Rule}); accept them on b, e.g. iptables -I INPUT -s 192.168.77.1 -p tcp --sport 2377 -m conntrack --ctstate ESTABLISHED -j ACCEPT", finding.Message);
    }

    [Fact]
    public void A_deciding_rule_is_located_on_its_line_in_the_hosts_dump_file_with_iptables_nft_saves_warnings_read_after_it()
    {
        // Live and bundle reads put iptables-nft-save's stderr warning after its output (DumpOrigin.LinesAfter),
        // so the line of the text read is the line of b's file, where SARIF points too.
        const string drop = "-A INPUT -p udp -m udp --dport 4789 -j DROP";
        const string warning = "# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n";
        var tampers = new[] { With("b", "filter", drop), new Tamper("b", "iptables-save.txt", t => t + warning) };
        var file = With("b", "filter", drop).Edit(File.ReadAllText(Path.Combine(DockerFw.Tests.Corpus.RepoRoot, "tests", "DockerFw.Core.Tests", "Fleet", "Fixtures", "swarm", "b", "iptables-save.txt")));
        var line = file.Split('\n').ToList().IndexOf(drop) + 1;
        FleetHost Load(string name)
        {
            var host = FleetFixture.Host("swarm", name, tampers);
            return name != "b" ? host : host with
            {
                Host = host.Host with { DumpOrigins = [new(Model.Values.IpFamily.V4, false, "b/iptables-save.txt", 1, file + warning, true, null)] },
            };
        }

        var report = FleetAuditor.Run([() => Load("a"), () => Load("b")]);

        var decision = Assert.Single(report.Swarm, c => c.Outcome != CellOutcome.Reachable).Decisions[^1];
        Assert.Equal($"filter/INPUT#1 (line {line}): {drop}", decision.Rule);
        Assert.Equal(line, decision.At!.Line);
        Assert.Contains($"decided by filter/INPUT#1 (line {line}): {drop}", Assert.Single(report.Findings, f => f.Code == FleetCodes.SwarmPortBlocked).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_workers_output_dropping_the_control_port_is_named_on_the_worker()
    {
        var report = Run("swarm", With("b", "filter", "-A OUTPUT -p tcp -m tcp --dport 2377 -j REJECT --reject-with icmp-port-unreachable"));

        var blocked = Assert.Single(report.Swarm, c => c.Outcome != CellOutcome.Reachable);
        Assert.Equal(("b", "a", "tcp/2377"), (blocked.Sender.Name, blocked.Receiver.Name, blocked.Port.Display));
        Assert.Equal(("b", LegStage.SenderOutput), (blocked.Decisions[^1].Host, blocked.Decisions[^1].Stage));
        Assert.Contains("dropped in b's OUTPUT", Assert.Single(report.Findings, f => f.Code == FleetCodes.SwarmPortBlocked).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hosts_that_are_not_swarm_nodes_have_no_swarm_ports_judged()
    {
        Assert.Empty(Run("routed").Swarm);
    }
}
