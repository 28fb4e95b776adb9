using DockerFw.Core.Model.Targets;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using static DockerFw.Tests.Semantics.Symbolic.R;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// Rules that only count (no target, LOG) change no packet: packets whose fate is the same share a
/// region whatever counters they touched. 320 of them before a DROP made 25,921 regions.
/// </summary>
public sealed class CountingRulesTests
{
    [Fact]
    public void Accounting_rules_before_a_drop_leave_one_region_per_fate()
    {
        var b = new RulesetBuilder();
        for (var i = 0; i < 320; i++) b.Rule("filter", "FORWARD", i % 2 == 0 ? null : Log, Src($"10.{i / 250}.{i % 250}.0/24"));
        b.Rule("filter", "FORWARD", Accept, Proto("tcp"), Dport(22));
        b.Rule("filter", "FORWARD", Drop);
        var result = SymbolicEngine.Reach(SymbolicRuleset.Compile(b.Build()), new ReachQuery(PacketPath.Forward));

        var accepted = Assert.Single(result.Regions, r => r.Verdict == ReachVerdict.Accept);
        var dropped = Assert.Single(result.Regions, r => r.Verdict == ReachVerdict.Drop);
        Assert.Equal(2, result.Regions.Length);
        Assert.Equal([321], accepted.Rules.Select(r => r.Number));
        Assert.Equal([322], dropped.Rules.Select(r => r.Number));
    }
}
