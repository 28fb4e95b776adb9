using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using static DockerFw.Tests.Semantics.Symbolic.R;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// A walk's final flows read without building its regions (the audit's outbound NAT on hosts with
/// many published ports): when the flows are plain, each lies in the region of its verdict and way,
/// and the regions' ways come in the order of their first flows; when a rule is undecidable the flows
/// overlap, and only the regions may be read.
/// </summary>
public sealed class WalkedFlowsTests
{
    [Fact]
    public void Plain_flows_each_lie_in_the_region_of_their_verdict_and_way()
    {
        // Docker's shape: published ports DNATed in PREROUTING, the source masqueraded in POSTROUTING,
        // with a hole (port 22 dropped) so that one walk ends in several verdicts and ways.
        var b = new RulesetBuilder();
        b.Rule("nat", "PREROUTING", Dnat("172.17.0.2", 80), Proto("tcp"), Dport(8000));
        b.Rule("nat", "PREROUTING", Dnat("172.17.0.3", 80), Proto("tcp"), Dport(8001));
        b.Rule("nat", "POSTROUTING", Masquerade, Src("172.18.0.0/16"), Out("eth0"));
        b.Rule("filter", "FORWARD", Drop, Proto("tcp"), Dport(22));
        var rules = SymbolicRuleset.Compile(b.Build(), null, (Core.Semantics.EvaluationContext?)null);
        var query = new ReachQuery(PacketPath.Forward) { Source = Mask("172.18.0.0/16") }.ToPacketSet(rules.Space);

        var walked = WalkedFlows.Reach(rules, PacketPath.Forward, query);

        Assert.True(walked.Plain);
        var flows = walked.Flows().ToList();
        var regions = SymbolicEngine.Reach(rules, PacketPath.Forward, query).Regions;
        Assert.Equal(regions, walked.Regions, new RegionComparer());
        foreach (var (verdict, box, way) in flows)
            Assert.Single(regions, r => r.Verdict == verdict && r.Rules.SequenceEqual(way) && r.Packets.Boxes.Contains(box));
        Assert.Equal(regions.Sum(r => r.Packets.Boxes.Length), flows.Count);
        // Within a verdict, the regions' ways in the order of their first flows.
        foreach (var verdict in regions.Select(r => r.Verdict).Distinct())
            Assert.Equal(
                regions.Where(r => r.Verdict == verdict).Select(r => string.Join(",", r.Rules)),
                flows.Where(f => f.Verdict == verdict).Select(f => string.Join(",", f.Rules)).Distinct());
    }

    [Fact]
    public void Flows_of_an_undecidable_rule_overlap_and_only_the_regions_answer()
    {
        // The host's addresses are unknown: whether a packet is addressed to it cannot be decided, and
        // both ways are walked over the same packets.
        var b = new RulesetBuilder();
        b.Rule("filter", "FORWARD", Drop, DstLocal());
        var rules = SymbolicRuleset.Compile(b.Build(), null, (Core.Semantics.EvaluationContext?)null);
        var query = new ReachQuery(PacketPath.Forward).ToPacketSet(rules.Space);

        var walked = WalkedFlows.Reach(rules, PacketPath.Forward, query);

        Assert.False(walked.Plain);
        Assert.Throws<InvalidOperationException>(() => walked.Flows().ToList());
        Assert.Equal(SymbolicEngine.Reach(rules, PacketPath.Forward, query).Regions, walked.Regions, new RegionComparer());
    }

    private sealed class RegionComparer : IEqualityComparer<ReachRegion>
    {
        public bool Equals(ReachRegion? x, ReachRegion? y) =>
            x!.Verdict == y!.Verdict && x.Rules.SequenceEqual(y.Rules) && x.Doubts.SequenceEqual(y.Doubts) && x.Packets.Boxes.SequenceEqual(y.Packets.Boxes);

        public int GetHashCode(ReachRegion r) => r.Verdict.GetHashCode();
    }
}
