using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Cli.Commands;

/// <summary>
/// A box of a reach region in words: each dimension it constrains beyond the query, as inclusive
/// ranges <c>lo-hi</c> or single values (docs/reach-json.md).
/// </summary>
internal static class ReachBoxText
{
    /// <summary>
    /// The boxes of a region as they are written, each once. The query itself is several boxes (a
    /// path's universe is), so a region can hold several boxes that differ only in which part of the
    /// query they fill; written relative to the query they read the same, and one of them says it.
    /// </summary>
    public static IEnumerable<IReadOnlyList<(string Name, IReadOnlyList<string> Values)>> Distinct(ReachRegion region, ReachResult result)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var box in region.Packets.Boxes)
        {
            var parts = Constrained(box, result).ToList();
            if (seen.Add(string.Join(";", parts.Select(p => p.Name + "=" + string.Join(",", p.Values))))) yield return parts;
        }
    }

    /// <summary>The dimensions where the box is narrower than the part of the query it lies in.</summary>
    public static IEnumerable<(string Name, IReadOnlyList<string> Values)> Constrained(Box box, ReachResult result)
    {
        var within = result.Query.Boxes.FirstOrDefault(q => q.Overlaps(box));
        foreach (var d in Dimensions.All)
        {
            if (within is not null && box[d].Equals(within[d])) continue;
            yield return (d.JsonName(), Values(d, box[d], result.Space));
        }

        if (within is null || !box.Mark.Equals(within.Mark)) yield return ("mark", Marks(box.Mark));
    }

    private static IReadOnlyList<string> Values(Dimension d, IntervalSet set, PacketSpace space) => d switch
    {
        Dimension.Src or Dimension.Dst => [.. set.Ranges.Select(r => Range(r, v => IpAddressValue.Format(v, space.Family)))],
        Dimension.State => [.. Each(set).Select(v => ConntrackStatesText.Format((ConntrackStates)(int)v))],
        Dimension.In or Dimension.Out => [.. Each(set).Select(v => space.Interfaces.Display((int)v))],
        _ => [.. set.Ranges.Select(r => Range(r, v => v.ToString()))],
    };

    private static IReadOnlyList<string> Marks(BitCubeSet marks) =>
        [.. marks.Cubes.Select(c => c.IsInterval ? Range((c.Value, c.Value | ~c.Mask), v => $"0x{(uint)v:x}") : c.ToString())];

    private static string Range((UInt128 First, UInt128 Last) r, Func<UInt128, string> format) =>
        r.First == r.Last ? format(r.First) : $"{format(r.First)}-{format(r.Last)}";

    private static IEnumerable<UInt128> Each(IntervalSet set)
    {
        foreach (var (first, last) in set.Ranges)
            for (var v = first; v <= last; v++) yield return v;
    }
}
