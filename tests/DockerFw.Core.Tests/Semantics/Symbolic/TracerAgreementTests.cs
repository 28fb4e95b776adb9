using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using static DockerFw.Tests.Semantics.Symbolic.R;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// The symbolic engine against the concrete one: random rulesets, packets drawn from every region,
/// each traced by <see cref="PacketTracer"/>. A certain region's packets get its verdict and, when
/// nothing on their way was undecidable, exactly its rules as the trace; a MAYBE region's packets
/// get no certain verdict.
/// </summary>
public sealed class TracerAgreementTests
{
    [Fact]
    public void Packets_drawn_from_each_region_get_that_regions_verdict_and_rules_from_the_tracer()
    {
        var seed = Environment.GetEnvironmentVariable("DFW_SEED") is { Length: > 0 } fixedSeed ? int.Parse(fixedSeed) : Environment.TickCount;
        for (var round = 0; round < 120; round++)
        {
            var random = new Random(seed + round);
            var ruleset = OracleAgreementTests.RandomRuleset(random);
            var context = random.Next(2) == 0 ? new EvaluationContext { Addresses = [new("eth0", IpFamily.V4, Ip("10.0.0.1"), 24)] } : null;
            var detail = random.Next(2) == 0 ? ReachDetail.Rules : ReachDetail.Verdicts;
            var compiled = SymbolicRuleset.Compile(ruleset, null, context, detail);
            var result = SymbolicEngine.Reach(compiled, PacketPath.Forward, OracleAgreementTests.TinyWorld(compiled.Space));
            foreach (var region in result.Regions)
                foreach (var box in region.Packets.Boxes.Take(4))
                    for (var i = 0; i < 3; i++)
                    {
                        var (point, mark) = i == 0 ? box.Sample() : RandomPoint(box, random);
                        var packet = compiled.Space.PacketAt(point, mark);
                        var trace = PacketTracer.Trace(ruleset, packet, PacketPath.Forward, context);
                        var where = $"seed {seed + round} ({detail}), {region.Verdict} region, {packet}: tracer says " +
                                    $"{string.Join("|", trace.PossibleVerdicts)} via {string.Join(", ", trace.Outcomes[0].Matched)}";
                        if (region.Verdict == ReachVerdict.Maybe)
                        {
                            Assert.False(trace.Certain, where);
                            continue;
                        }

                        Assert.True(trace.Certain && trace.Verdict.ToString() == region.Verdict.ToString(),
                            $"{where}\nregion rules: {string.Join(", ", region.Rules)}\n{OracleAgreementTests.Describe(ruleset)}");
                        if (detail == ReachDetail.Rules && region.Doubts.IsEmpty)
                            Assert.True(region.Rules.Select(r => (r.Table, r.Chain, r.Number, r.Line)).SequenceEqual(
                                trace.Matched.Where(r => !OnlyCounts(compiled, r)).Select(r => (r.Table, r.Chain, r.Number, r.Line))),
                                $"{where}\nregion rules: {string.Join(", ", region.Rules)}\n{OracleAgreementTests.Describe(ruleset)}");
                    }
        }
    }

    /// <summary>A rule the engine knows changes nothing (no target, LOG): regions do not list it, a trace does.</summary>
    private static bool OnlyCounts(SymbolicRuleset compiled, RuleRef rule) =>
        compiled.Chain(rule.Table, rule.Chain)!.Rules[rule.Number - 1] is { Action.Kind: ActionKind.Continue, Doubt: null };

        private static (UInt128[] Point, uint Mark) RandomPoint(Box box, Random random)
    {
        var point = Dimensions.All.Select(d =>
        {
            var set = box[d];
            var (first, last) = set[random.Next(set.Count)];
            var width = last - first;
            return width == UInt128.MaxValue ? first : first + (UInt128)(ulong)random.NextInt64() % (width + 1);
        }).ToArray();
        var cube = box.Mark.Cubes[random.Next(box.Mark.Cubes.Count)];
        var mark = cube.Value | ((uint)random.Next() & ~cube.Mask & 3u);
        return (point, mark);
    }
}
