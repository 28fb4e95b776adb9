using System.Collections.Immutable;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// Whether two answers to one query say the same thing: for each verdict, list of rules and list of
/// doubts, the same packets, however the boxes are cut. A region's contract is its packets, verdict
/// and rules; its boxes are only how they are written.
/// </summary>
internal static class ReachComparison
{
    /// <summary>One line per way whose packets differ (or that only one answer has); empty when the answers agree.</summary>
    public static List<string> Differences(ImmutableArray<ReachRegion> expected, ImmutableArray<ReachRegion> actual)
    {
        var a = ByWay(expected);
        var b = ByWay(actual);
        var lines = new List<string>();
        foreach (var key in a.Keys.Union(b.Keys))
        {
            var x = a.GetValueOrDefault(key) ?? PacketSet.Empty;
            var y = b.GetValueOrDefault(key) ?? PacketSet.Empty;
            if (!x.SameAs(y)) lines.Add($"{key}: {x.Boxes.Length} boxes before, {y.Boxes.Length} after");
        }

        return lines;
    }
    // Two regions of one way cannot occur in one answer, but are united if they did.
    private static Dictionary<string, PacketSet> ByWay(ImmutableArray<ReachRegion> regions)
    {
        var ways = new Dictionary<string, PacketSet>();
        foreach (var r in regions)
        {
            var key = $"{r.Verdict} via {string.Join(", ", r.Rules)} (+{r.RulesOmitted}) doubting {string.Join(", ", r.Doubts)}";
            ways[key] = ways.TryGetValue(key, out var set) ? new PacketSet(set.Boxes.AddRange(r.Packets.Boxes)) : r.Packets;
        }

        return ways;
    }
}
