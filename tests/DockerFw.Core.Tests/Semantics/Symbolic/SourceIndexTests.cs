using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using static DockerFw.Tests.Semantics.Symbolic.R;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// The chain index on the source address takes a set of several ranges by their hull: a network's
/// containers (its subnet less the gateway, two ranges) meet only the rules of that subnet, and a
/// rule whose source is several ranges is still found from any of them.
/// </summary>
public sealed class SourceIndexTests
{
    private const int Subnets = 1000;

    private static string Subnet(int i) => $"10.{i / 256}.{i % 256}.0/24";

    private static IntervalSet ContainersOf(int i)
    {
        var first = (UInt128)(10u << 24 | (uint)i << 8);
        return IntervalSet.Range(first, first + 255).Subtract(IntervalSet.Single(first + 1));
    }

    [Fact]
    public void A_subnet_less_its_gateway_meets_only_the_rules_of_its_subnet()
    {
        // Docker's MASQUERADE per subnet, as filter rules: each network's flow matches one of them. Left
        // wide, each of the 1,000 flows scanned all 1,000 rules (a million splits); narrow, about one each.
        var b = new RulesetBuilder();
        for (var i = 0; i < Subnets; i++) b.Rule("filter", "FORWARD", i % 2 == 0 ? Drop : Accept, Src(Subnet(i)), Out($"br-{i}", not: true));
        var compiled = SymbolicRuleset.Compile(b.Build());
        var space = compiled.Space;
        var walk = new SymbolicWalk(compiled, new RuleWatch(new HashSet<(string, string)>(), budget: 20L * Subnets));
        var query = new ReachQuery(PacketPath.Forward).ToPacketSet(space).Boxes[0];

        walk.Run(PacketPath.Forward, Enumerable.Range(0, Subnets)
            .Select(i => new Flow(query.With(Dimension.Src, ContainersOf(i)), FlowView.Identity, null, null)));

        for (var i = 0; i < Subnets; i += 97)
        {
            var verdicts = walk.Finals.Where(f => f.Flow.Box[Dimension.Src].Overlaps(ContainersOf(i))).Select(f => f.Verdict).Distinct();
            Assert.Contains(i % 2 == 0 ? ReachVerdict.Drop : ReachVerdict.Accept, verdicts);
        }
    }

    [Fact]
    public void A_rule_over_several_source_ranges_is_found_from_its_last_range()
    {
        // 10.0.0.0/8 less 10.1.0.0/16: two ranges; a flow from 10.200.0.0/16 meets only the second.
        var b = new RulesetBuilder();
        for (var i = 0; i < 50; i++) b.Rule("filter", "FORWARD", Accept, Src($"192.168.{i}.0/24"));
        b.Rule("filter", "FORWARD", Drop, Src("10.0.0.0/8"), Src("10.1.0.0/16", not: true));
        var compiled = SymbolicRuleset.Compile(b.Build());
        var query = new ReachQuery(PacketPath.Forward) { Source = Mask("10.200.0.0/16") };

        var result = SymbolicEngine.Reach(compiled, query);

        Assert.All(result.Regions, r => Assert.Equal(ReachVerdict.Drop, r.Verdict));
    }
}
