using System.Text;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Cli.Commands;

/// <summary>`dockerfw reach` for people: one paragraph per region, its boxes, its rules, its doubts.</summary>
internal static class ReachText
{
    public static string Render(ReachResult result)
    {
        var text = new StringBuilder();
        var regions = Ordered(result).ToList();
        text.Append($"{result.Path.ToString().ToUpperInvariant()}: {regions.Count} region{(regions.Count == 1 ? "" : "s")}\n");
        foreach (var region in regions)
        {
            text.Append('\n').Append(region.Verdict.ToString().ToUpperInvariant()).Append('\n');
            foreach (var box in ReachBoxText.Distinct(region, result))
            {
                var parts = box.Select(p => $"{p.Name} {string.Join(",", p.Values)}").ToList();
                text.Append("  packets: ").Append(parts.Count == 0 ? "all of the query" : string.Join("  ", parts)).Append('\n');
            }

            foreach (var rule in region.Rules) text.Append($"  rule: {rule}\n");
            if (region.RulesOmitted > 0) text.Append($"  rule: ... and {region.RulesOmitted} more matches on the way, not listed\n");
            foreach (var doubt in region.Doubts)
                text.Append($"  undecided: {doubt}: {result.DoubtReasons.GetValueOrDefault(doubt, "not decidable from the dump")}\n");
        }

        return text.ToString();
    }

    /// <summary>Regions in a stable order: by verdict, then by the rules that decided them.</summary>
    public static IEnumerable<ReachRegion> Ordered(ReachResult result) =>
        result.Regions.OrderBy(r => r.Verdict)
            .ThenBy(r => string.Join(",", r.Rules.Select(x => $"{x.Table}/{x.Chain}/{x.Number:D6}")), StringComparer.Ordinal)
            .ThenBy(r => string.Join(",", r.Doubts.Select(x => $"{x.Table}/{x.Chain}/{x.Number:D6}")), StringComparer.Ordinal);
}
