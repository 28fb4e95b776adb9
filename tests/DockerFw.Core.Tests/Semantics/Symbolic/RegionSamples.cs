using DockerFw.Core.Model;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// The two engines held to each other: a packet drawn from each of the first boxes of every reach
/// region gets the region's verdict from the tracer, certainly, or an uncertain trace where the
/// region is MAYBE.
/// </summary>
internal static class RegionSamples
{
    /// <returns>How many packets were traced.</returns>
    public static int AssertTracerAgrees(Ruleset ruleset, SymbolicRuleset compiled, ReachResult result, int boxesPerRegion, EvaluationContext? context = null)
    {
        var traced = 0;
        foreach (var region in result.Regions)
            foreach (var box in region.Packets.Boxes.Take(boxesPerRegion))
            {
                var (point, mark) = box.Sample();
                var packet = compiled.Space.PacketAt(point, mark);
                var trace = PacketTracer.Trace(ruleset, packet, result.Path, context);
                var where = $"{region.Verdict} region, {packet}: the tracer says {string.Join("|", trace.PossibleVerdicts)}";
                if (region.Verdict == ReachVerdict.Maybe) Assert.False(trace.Certain, where);
                else Assert.True(trace.Certain && trace.Verdict.ToString() == region.Verdict.ToString(), where);
                traced++;
            }

        return traced;
    }
}
