using System.Text;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Cli.Commands;

/// <summary>
/// `dockerfw reach` for people: one paragraph per region, its boxes, its rules, its doubts; then the notices. Bounded
/// like trace: a region lists its first <see cref="MaxBoxes"/> boxes and counts the rest, a box
/// writes interface sets short (<see cref="InterfaceSetText"/>) and at most
/// <see cref="ReachBoxText.MaxRanges"/> ranges of any other dimension; the JSON lists everything.
/// </summary>
internal static class ReachText
{
    public const int MaxBoxes = 1000;

    public static string Render(ReachResult result, IReadOnlyList<string>? notices = null) => string.Concat(Paragraphs(result, notices));

    /// <summary>
    /// The text in pieces (the heading, then one per region, then the notices, as the audit ends with
    /// its own), so a huge answer is written as it is made.
    /// </summary>
    public static IEnumerable<string> Paragraphs(ReachResult result, IReadOnlyList<string>? notices = null)
    {
        var regions = Ordered(result).ToList();
        yield return $"{result.Path.ToString().ToUpperInvariant()}: {regions.Count} region{(regions.Count == 1 ? "" : "s")}\n";
        var allowed = QueryInterfaces.Of(result);
        var inputs = new InterfaceSetText(result.Space.Interfaces, allowed.In);
        var outputs = new InterfaceSetText(result.Space.Interfaces, allowed.Out);
        foreach (var region in regions)
        {
            var text = new StringBuilder();
            text.Append('\n').Append(region.Verdict.ToString().ToUpperInvariant()).Append('\n');
            var boxes = 0;
            foreach (var form in ReachBoxText.DistinctForms(region, result))
            {
                if (++boxes > MaxBoxes) continue;
                var parts = ReachBoxText.Phrases(form, result, inputs, outputs);
                text.Append("  packets: ").Append(parts.Count == 0 ? "all of the query" : string.Join("  ", parts.Select(p => $"{p.Name} {p.Text}"))).Append('\n');
            }

            if (boxes > MaxBoxes) text.Append($"  packets: ... and {boxes - MaxBoxes} more boxes, not listed (--format json lists every one)\n");
            foreach (var rule in region.Rules) text.Append($"  rule: {rule}\n");
            if (region.RulesOmitted > 0) text.Append($"  rule: ... and {region.RulesOmitted} more matches on the way, not listed\n");
            foreach (var doubt in region.Doubts)
                text.Append($"  undecided: {doubt}: {result.DoubtReasons.GetValueOrDefault(doubt, "not decidable from the dump")}\n");
            yield return text.ToString();
        }

        if (notices is { Count: > 0 }) yield return "\nNOTICES\n" + string.Concat(notices.Select(n => $"  - {n}\n"));
    }

    /// <summary>Regions in a stable order: by verdict, then by the rules that decided them.</summary>
    public static IEnumerable<ReachRegion> Ordered(ReachResult result) =>
        result.Regions.OrderBy(r => r.Verdict)
            .ThenBy(r => string.Join(",", r.Rules.Select(x => $"{x.Table}/{x.Chain}/{x.Number:D6}")), StringComparer.Ordinal)
            .ThenBy(r => string.Join(",", r.Doubts.Select(x => $"{x.Table}/{x.Chain}/{x.Number:D6}")), StringComparer.Ordinal);
}
