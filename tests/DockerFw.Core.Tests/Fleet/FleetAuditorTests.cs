using DockerFw.Core.Fleet;
using static DockerFw.Core.Tests.Fleet.FleetFixture;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>
/// The routed setup: two hosts, docker0 on 10.103.100.0/24 (a) and 10.103.200.0/24 (b), each with a
/// route to the other's subnet via the other's underlay address on under0, each letting the other's
/// containers in (DOCKER-USER) and keeping its own traffic to them unmasqueraded. Every claim is over
/// every NEW packet of the cell, with the deciding rule on each host.
/// </summary>
public sealed class FleetAuditorTests
{
    private const string Masquerade = "-A POSTROUTING -s 10.103.100.0/24 ! -o docker0 -j MASQUERADE";
    private const string Exception = "-A POSTROUTING -s 10.103.100.0/24 -d 10.103.200.0/24 -j RETURN";
    private const string LetAIn = "-A DOCKER-USER -s 10.103.100.0/24 -i under0 -o docker0 -j ACCEPT";

    [Fact]
    public void The_routed_setup_reaches_both_ways_unmasqueraded_with_each_hosts_deciding_rule()
    {
        var report = Run("routed");

        Assert.Empty(Codes(report));
        var cell = Cell(report, "a");
        Assert.Equal(CellOutcome.Reachable, cell.Outcome);
        Assert.False(cell.Masqueraded);
        Assert.Equal(WayKind.Routed, cell.Spec.Way.Kind);
        Assert.Equal(
            "Reachable: every protocol: a SenderForward: filter/FORWARD#5 (line 29): -A FORWARD -i docker0 ! -o docker0 -j ACCEPT | b ReceiverForward: filter/DOCKER-USER#1 (line 35): -A DOCKER-USER -s 10.103.100.0/24 -i under0 -o docker0 -j ACCEPT",
            string.Join("\n", Lines(cell)));
        Assert.Equal(CellOutcome.Reachable, Cell(report, "b").Outcome);
        Assert.Equal(["a/web -> b/db", "b/db -> a/web"], report.Containers.Select(c => $"{c.From} -> {c.To}"));
        Assert.All(report.Containers, c => Assert.Equal(CellOutcome.Reachable, c.Outcome));
    }

    [Fact]
    public void Without_the_admins_rules_b_turns_a_away_by_its_forward_policy_after_a_masqueraded_it()
    {
        // Docker's defaults on b: nothing lets a's containers from under0 into docker0.
        var report = Run("routed", Without("b", LetAIn), Without("a", Exception));

        var cell = Cell(report, "a");
        Assert.Equal(CellOutcome.Blocked, cell.Outcome);
        var part = Assert.Single(cell.Parts);
        Assert.Equal("b", part.Decisions[^1].Host);
        Assert.Equal("the policy DROP of filter/FORWARD", part.Decisions[^1].Rule);
        Assert.Contains("MASQUERADE", part.Nat);
        Assert.Equal(["DFW773"], Codes(report));
        Assert.Contains("b turns away every protocol (decided by the policy DROP of filter/FORWARD)", report.Findings.Single().Message);
        Assert.Equal(CellOutcome.Reachable, Cell(report, "b").Outcome);
    }

    [Fact]
    public void Without_the_nat_exception_a_masquerades_and_b_sees_a_address_which_its_rule_for_a_subnet_refuses()
    {
        var report = Run("routed", Without("a", Exception));

        // b lets in a's subnet only: a's underlay address 192.168.77.1 is not in it.
        var cell = Cell(report, "a");
        Assert.Equal(CellOutcome.Blocked, cell.Outcome);
        Assert.Equal(["DFW773"], Codes(report));
    }

    [Fact]
    public void A_finding_carries_where_the_deciding_rule_is_written_on_its_host_and_a_policy_has_no_place()
    {
        var dropped = Run("routed", Replace("b", "iptables-save.txt", LetAIn, "-A DOCKER-USER -s 10.103.100.0/24 -i under0 -o docker0 -j DROP"));
        var evidence = Assert.Single(Assert.Single(dropped.Findings, f => f.Message.StartsWith("a/", StringComparison.Ordinal)).Evidence);
        // The same rule drops the replies of b's connections to a (they come in from a's subnet).
        var replies = Assert.Single(Assert.Single(dropped.Findings, f => f.Message.StartsWith("b/", StringComparison.Ordinal)).Evidence);

        Assert.Equal(("b", LegStage.ReceiverForward), (evidence.Host, evidence.Stage));
        Assert.Equal(("filter", "DOCKER-USER", 1, 35), (evidence.At!.Table, evidence.At.Chain, evidence.At.Number, evidence.At.Line));
        Assert.Equal(("b", LegStage.SenderReply), (replies.Host, replies.Stage));
        Assert.Equal(evidence.At, replies.At);

        var policy = Run("routed", Without("b", LetAIn), Without("a", Exception));
        Assert.Null(Assert.Single(Assert.Single(policy.Findings).Evidence).At);
    }

    [Fact]
    public void Masqueraded_traffic_that_b_lets_in_is_reachable_and_reported_as_masqueraded()
    {
        var report = Run("routed", Without("a", Exception),
            Replace("b", "iptables-save.txt", LetAIn, "-A DOCKER-USER -i under0 -o docker0 -j ACCEPT"));

        var cell = Cell(report, "a");
        Assert.Equal(CellOutcome.Reachable, cell.Outcome);
        Assert.True(cell.Masqueraded);
        Assert.Equal(["DFW772"], Codes(report));
        Assert.Contains("b sees 192.168.77.1, not the container", report.Findings.Single().Message);
        Assert.Contains(Masquerade, report.Findings.Single().Message);
    }

    [Fact]
    public void Overlapping_bips_are_found_and_the_packets_stay_on_the_senders_own_bridge()
    {
        // Both hosts left on Docker's default 172.17.0.0/16.
        Tamper Default(string host, string subnet, string gateway) => new(host, "docker.json", t => t.Replace(subnet, "172.17.0.0/16").Replace(gateway, "172.17.0.1"));
        var report = Run("routed",
            Default("a", "10.103.100.0/24", "10.103.100.1"), Default("b", "10.103.200.0/24", "10.103.200.1"),
            Replace("a", "ip-route-v4.json", "10.103.100.0/24", "172.17.0.0/16"), Replace("b", "ip-route-v4.json", "10.103.200.0/24", "172.17.0.0/16"));

        // One finding: the cells that stay home are its consequence, not a missing route.
        Assert.Equal(["DFW770"], Codes(report));
        var cell = Cell(report, "a");
        Assert.Equal(WayKind.OwnBridge, cell.Spec.Way.Kind);
        Assert.Equal(CellOutcome.Blocked, cell.Outcome);
    }

    [Fact]
    public void A_missing_route_blocks_a_to_b_and_the_replies_of_b_to_a()
    {
        var report = Run("routed", Replace("a", "ip-route-v4.json", "\"dst\": \"10.103.200.0/24\"", "\"dst\": \"10.103.250.0/24\""));

        Assert.Equal(WayKind.NoRoute, Cell(report, "a").Spec.Way.Kind);
        Assert.Equal(CellOutcome.Blocked, Cell(report, "a").Outcome);
        // b's packets reach a's containers, whose answers a has no route for.
        var back = Cell(report, "b");
        Assert.Equal(CellOutcome.Blocked, back.Outcome);
        Assert.StartsWith("the replies do not find their way back: a has no route to 10.103.200.2", back.Parts.Single().Reason);
        Assert.Equal(["DFW771", "DFW771"], Codes(report));
        Assert.Contains("ip route add 10.103.200.0/24 via 192.168.77.2", report.Findings[0].Message);
    }

    [Fact]
    public void A_route_via_a_router_outside_the_fleet_is_uncertain_with_the_reason()
    {
        var report = Run("routed", Replace("a", "ip-route-v4.json", "\"gateway\": \"192.168.77.2\"", "\"gateway\": \"192.168.77.254\""));

        Assert.Equal(CellOutcome.Uncertain, Cell(report, "a").Outcome);
        // b's connections to a are uncertain too: a's replies take the same way.
        Assert.Equal(CellOutcome.Uncertain, Cell(report, "b").Outcome);
        Assert.Equal(["DFW776", "DFW776"], Codes(report));
        Assert.All(report.Findings, f => Assert.Contains("to 192.168.77.254", f.Message));
    }

    [Fact]
    public void A_rule_that_lets_in_one_port_makes_the_cell_partial_and_names_both_fates()
    {
        var report = Run("routed", Replace("b", "iptables-save.txt", LetAIn, "-A DOCKER-USER -s 10.103.100.0/24 -i under0 -o docker0 -p tcp --dport 80 -j ACCEPT"));

        var cell = Cell(report, "a");
        Assert.Equal(CellOutcome.Partial, cell.Outcome);
        Assert.Contains(cell.Parts, p => p.Outcome == CellOutcome.Reachable && p.PacketsText == "tcp/80");
        Assert.Contains(cell.Parts, p => p.Outcome == CellOutcome.Blocked && p.Decisions[^1].Rule == "the policy DROP of filter/FORWARD");
    }
}
