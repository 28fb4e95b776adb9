using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using static DockerFw.Tests.Semantics.Symbolic.R;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// A verdict-only walk merges neighbouring rules of one target; a target after which the packet goes
/// on (a jump, a MARK) must not be merged, or a packet meeting it twice meets it once. Found by the
/// random diamonds (seed 183173): two `-j C3` in a row, C3 toggling a mark bit, judged DROP instead
/// of the kernel's REJECT.
/// </summary>
public sealed class RuleRunsTests
{
    [Theory]
    [InlineData(ReachDetail.Rules)]
    [InlineData(ReachDetail.Verdicts)]
    public void A_chain_jumped_to_twice_in_a_row_toggles_the_mark_twice(ReachDetail detail)
    {
        var b = new RulesetBuilder();
        b.Rule("filter", "FORWARD", Jump("TWICE"));
        b.Rule("filter", "TWICE", Jump("FLIP"));
        b.Rule("filter", "TWICE", Jump("FLIP"));
        b.Rule("filter", "FLIP", SetMark(1, 0));
        b.Rule("filter", "FORWARD", Reject, Mark(0, 1));
        b.Rule("filter", "FORWARD", Accept);
        var rules = SymbolicRuleset.Compile(b.Build(), null, (Core.Semantics.EvaluationContext?)null, detail);

        var result = SymbolicEngine.Reach(rules, new ReachQuery(PacketPath.Forward) { AnyMark = true });

        // Bit 0 flipped twice is as it arrived: a packet with it clear is rejected, one with it set accepted.
        Assert.Equal(ReachVerdict.Reject, VerdictOf(result, rules, mark: 0));
        Assert.Equal(ReachVerdict.Accept, VerdictOf(result, rules, mark: 1));
    }

    [Theory]
    [InlineData(ReachDetail.Rules)]
    [InlineData(ReachDetail.Verdicts)]
    public void Overlapping_marks_in_a_row_apply_both(ReachDetail detail)
    {
        var b = new RulesetBuilder();
        b.Rule("filter", "FORWARD", SetMark(1, 0), Src("10.0.0.0/8"));
        b.Rule("filter", "FORWARD", SetMark(1, 0), Src("10.0.0.0/16"));
        b.Rule("filter", "FORWARD", Reject, Mark(0, 1));
        b.Rule("filter", "FORWARD", Accept);
        var rules = SymbolicRuleset.Compile(b.Build(), null, (Core.Semantics.EvaluationContext?)null, detail);

        var result = SymbolicEngine.Reach(rules, new ReachQuery(PacketPath.Forward) { AnyMark = true });

        // 10.0.x.x is flipped twice (back to 0: rejected), the rest of 10/8 once (accepted).
        Assert.Equal(ReachVerdict.Reject, VerdictOf(result, rules, mark: 0, source: "10.0.1.1"));
        Assert.Equal(ReachVerdict.Accept, VerdictOf(result, rules, mark: 0, source: "10.1.1.1"));
    }

    private static ReachVerdict VerdictOf(ReachResult result, SymbolicRuleset rules, uint mark, string source = "192.0.2.1")
    {
        var packet = new Packet(IpFamily.V4, Ip(source), Ip("192.0.2.2"), Protocol.Udp, 1000, 53, InInterface: "a0", OutInterface: "a1") { Mark = mark };
        var (point, bits) = rules.Space.PointOf(packet);
        return Assert.Single(result.Regions, r => r.Packets.Contains(point, bits)).Verdict;
    }
}
