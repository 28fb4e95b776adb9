using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using static DockerFw.Tests.Semantics.Symbolic.R;

namespace DockerFw.Tests.Semantics.Symbolic;

public sealed class SymbolicWalkTests
{
    // Docker <= 27 with two bridges, br-a (172.18/16) and br-b (172.19/16), and br-b's 172.19.0.2:80
    // published on the host's port 8080 (formats.md §1.13).
    internal static RulesetBuilder TwoBridges()
    {
        var b = new RulesetBuilder()
            .Policy("filter", "FORWARD", Verdict.Drop)
            .Rule("filter", "FORWARD", Jump("DOCKER-USER"))
            .Rule("filter", "FORWARD", Jump("DOCKER-ISOLATION-STAGE-1"));
        foreach (var br in new[] { "br-a", "br-b" })
        {
            b.Rule("filter", "FORWARD", Accept, Out(br), State(ConntrackStates.Related | ConntrackStates.Established))
             .Rule("filter", "FORWARD", Jump("DOCKER"), Out(br))
             .Rule("filter", "FORWARD", Accept, In(br), Out(br, not: true))
             .Rule("filter", "FORWARD", Accept, In(br), Out(br));
        }

        return b
            .Rule("filter", "DOCKER", Accept, Dst("172.19.0.2/32"), In("br-b", not: true), Out("br-b"), Proto("tcp"), Dport(80))
            .Rule("filter", "DOCKER-ISOLATION-STAGE-1", Jump("DOCKER-ISOLATION-STAGE-2"), In("br-a"), Out("br-a", not: true))
            .Rule("filter", "DOCKER-ISOLATION-STAGE-1", Jump("DOCKER-ISOLATION-STAGE-2"), In("br-b"), Out("br-b", not: true))
            .Rule("filter", "DOCKER-ISOLATION-STAGE-1", Return)
            .Rule("filter", "DOCKER-ISOLATION-STAGE-2", Drop, Out("br-a"))
            .Rule("filter", "DOCKER-ISOLATION-STAGE-2", Drop, Out("br-b"))
            .Rule("filter", "DOCKER-ISOLATION-STAGE-2", Return)
            .Rule("filter", "DOCKER-USER", Return)
            .Rule("nat", "PREROUTING", Jump("DOCKER"), DstLocal())
            .Rule("nat", "POSTROUTING", Masquerade, Src("172.18.0.0/16"), Out("br-a", not: true))
            .Rule("nat", "POSTROUTING", Masquerade, Src("172.19.0.0/16"), Out("br-b", not: true))
            .Rule("nat", "DOCKER", Return, In("br-a"))
            .Rule("nat", "DOCKER", Return, In("br-b"))
            .Rule("nat", "DOCKER", Dnat("172.19.0.2", 80), In("br-b", not: true), Proto("tcp"), Dport(8080));
    }

    private static readonly EvaluationContext HostAddresses = new()
    {
        Addresses = [new("eth0", IpFamily.V4, Ip("192.0.2.10"), 24), new("br-a", IpFamily.V4, Ip("172.18.0.1"), 16),
                     new("br-b", IpFamily.V4, Ip("172.19.0.1"), 16)],
    };

    private static ReachResult Reach(ReachQuery query, EvaluationContext? local = null) =>
        SymbolicEngine.Reach(SymbolicRuleset.Compile(TwoBridges().Build(), query.Interfaces, local), query);

    private static Packet Tcp(string src, string dst, int dport, string @in, string @out, ConntrackStates state = ConntrackStates.New) =>
        new(IpFamily.V4, Ip(src), Ip(dst), 6, SourcePort: 40000, DestinationPort: dport, InInterface: @in, OutInterface: @out, State: state);

    private static readonly ReachQuery FromA = new(PacketPath.Forward) { In = new("br-a"), Source = Mask("172.18.0.0/16") };

    [Fact]
    public void A_new_connection_from_one_bridge_into_another_is_dropped_by_the_isolation_chain()
    {
        var region = Reach(FromA).RegionOf(Tcp("172.18.0.2", "172.19.0.3", 80, "br-a", "br-b"))!;
        Assert.Equal(ReachVerdict.Drop, region.Verdict);
        Assert.Contains(region.Rules, r => r is { Chain: "DOCKER-ISOLATION-STAGE-2", Number: 2 });
    }

    [Fact]
    public void Traffic_leaving_to_the_outside_is_accepted_and_masqueraded()
    {
        var region = Reach(FromA).RegionOf(Tcp("172.18.0.2", "8.8.8.8", 443, "br-a", "eth0"))!;
        Assert.Equal(ReachVerdict.Accept, region.Verdict);
        Assert.Equal(
            ["filter/FORWARD#1", "filter/DOCKER-USER#1", "filter/FORWARD#2", "filter/DOCKER-ISOLATION-STAGE-1#1",
             "filter/DOCKER-ISOLATION-STAGE-2#3", "filter/DOCKER-ISOLATION-STAGE-1#3", "filter/FORWARD#5", "nat/POSTROUTING#1"],
            region.Rules.Select(r => $"{r.Table}/{r.Chain}#{r.Number}"));
    }

    [Fact]
    public void Replies_into_a_bridge_are_accepted_by_the_established_rule()
    {
        var query = new ReachQuery(PacketPath.Forward) { In = new("eth0"), Out = new("br-a"), State = ConntrackStates.Established };
        var result = Reach(query);
        Assert.Single(result.Regions);
        Assert.Equal(ReachVerdict.Accept, result.Regions[0].Verdict);
    }

    [Fact]
    public void Without_the_hosts_addresses_a_published_port_is_only_possibly_reachable()
    {
        var query = new ReachQuery(PacketPath.Forward) { In = new("eth0"), Out = new("br-b") };
        var region = Reach(query).RegionOf(Tcp("203.0.113.5", "192.0.2.10", 8080, "eth0", "br-b"))!;
        Assert.Equal(ReachVerdict.Maybe, region.Verdict);
        Assert.Contains(region.Doubts, r => r is { Table: "nat", Chain: "PREROUTING", Number: 1 });
    }

    [Fact]
    public void With_the_hosts_addresses_a_published_port_is_DNATed_and_accepted()
    {
        var query = new ReachQuery(PacketPath.Forward) { In = new("eth0"), Out = new("br-b") };
        var result = Reach(query, HostAddresses);
        var region = result.RegionOf(Tcp("203.0.113.5", "192.0.2.10", 8080, "eth0", "br-b"))!;
        Assert.Equal(ReachVerdict.Accept, region.Verdict);
        Assert.Contains(region.Rules, r => r is { Table: "nat", Chain: "DOCKER", Number: 3 });
        Assert.Equal(ReachVerdict.Drop, result.RegionOf(Tcp("203.0.113.5", "192.0.2.10", 8081, "eth0", "br-b"))!.Verdict);
        Assert.All(result.Regions, r => Assert.Empty(r.Doubts));
    }

    [Fact]
    public void A_rule_that_may_match_but_only_logs_leaves_the_verdict_certain()
    {
        var rules = new RulesetBuilder()
            .Rule("filter", "FORWARD", Log, Limit())
            .Rule("filter", "FORWARD", Drop, Proto("udp"))
            .Build();
        var result = SymbolicEngine.Reach(SymbolicRuleset.Compile(rules), new ReachQuery(PacketPath.Forward));
        Assert.DoesNotContain(result.Regions, r => r.Verdict == ReachVerdict.Maybe);
        Assert.Contains(result.Regions, r => r.Verdict == ReachVerdict.Drop && r.Doubts.Length == 1);
    }

    [Fact]
    public void A_RETURN_after_a_goto_resumes_in_the_callers_caller()
    {
        var rules = new RulesetBuilder()
            .Rule("filter", "FORWARD", Jump("A"))
            .Rule("filter", "FORWARD", Drop)
            .Rule("filter", "A", Goto("B"))
            .Rule("filter", "A", Accept)
            .Rule("filter", "B", Return)
            .Build();
        var result = SymbolicEngine.Reach(SymbolicRuleset.Compile(rules), new ReachQuery(PacketPath.Forward));
        var region = Assert.Single(result.Regions);
        Assert.Equal(ReachVerdict.Drop, region.Verdict);
        Assert.Equal(["A#1", "B#1", "FORWARD#2"], region.Rules.Skip(1).Select(r => $"{r.Chain}#{r.Number}"));
    }

    [Fact]
    public void A_mark_set_in_mangle_is_seen_by_filter()
    {
        var rules = new RulesetBuilder()
            .Rule("mangle", "PREROUTING", SetMark(0x4000, 0x4000), In("eth0"))
            .Rule("filter", "FORWARD", Drop, Mark(0x4000, 0x4000))
            .Build();
        var query = new ReachQuery(PacketPath.Forward) { In = new("eth0") };
        var result = SymbolicEngine.Reach(SymbolicRuleset.Compile(rules, query.Interfaces), query);
        Assert.Equal(ReachVerdict.Drop, Assert.Single(result.Regions).Verdict);
    }

    [Fact]
    public void The_regions_cover_the_query_exactly_once()
    {
        var query = new ReachQuery(PacketPath.Forward) { In = new("br-a") };
        var result = Reach(query);
        var union = result.Regions.Aggregate(PacketSet.Empty, (s, r) => s.Union(r.Packets));
        Assert.True(union.SameAs(result.Query));
        var all = result.Regions.SelectMany(r => r.Packets.Boxes).ToList();
        for (var i = 0; i < all.Count; i++)
            for (var j = i + 1; j < all.Count; j++)
                Assert.False(all[i].Overlaps(all[j]), $"{all[i]} overlaps {all[j]}");
    }
}
