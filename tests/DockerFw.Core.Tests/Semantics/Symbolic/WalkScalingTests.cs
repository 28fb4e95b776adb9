using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using static DockerFw.Tests.Semantics.Symbolic.R;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// The walk stays linear in the rules: a piece cut off on one interface meets only that interface's
/// later rules, not every later rule. Counted in splits, so the guard does not depend on the machine.
/// </summary>
public sealed class WalkScalingTests
{
    [Fact]
    public void Pieces_cut_to_one_interface_skip_the_rules_of_the_others()
    {
        // 4,000 distinct rules over 400 interfaces: each cuts the wide rest into a piece on its input
        // interface, which used to scan all later rules (about 4 pieces x 4,000 rules each: 32 million splits).
        const int rules = 4000;
        var b = new RulesetBuilder();
        b.Rule("filter", "FORWARD", Accept, State(ConntrackStates.Related | ConntrackStates.Established));
        for (var i = 0; i < rules; i++)
            b.Rule("filter", "FORWARD", i % 3 == 0 ? Drop : Accept, In($"br-{i % 400}"), Out($"br-{(i * 7) % 397}", not: true),
                Proto(i % 2 == 0 ? "tcp" : "udp"), Dport(1024 + i));
        var compiled = SymbolicRuleset.Compile(b.Build());
        var walk = new SymbolicWalk(compiled, new RuleWatch(new HashSet<(string, string)>(), budget: 40L * rules));

        walk.Run(PacketPath.Forward, new ReachQuery(PacketPath.Forward).ToPacketSet(compiled.Space).Boxes
            .Select(box => new Flow(box, FlowView.Identity, null, null)));

        Assert.True(walk.Finals.Count > rules);
    }
}
