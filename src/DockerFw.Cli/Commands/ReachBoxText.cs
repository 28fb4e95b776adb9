using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Cli.Commands;

/// <summary>
/// A box of a reach region in words: each dimension it lists, as inclusive ranges <c>lo-hi</c> or
/// single values (docs/reach-json.md).
/// </summary>
internal static class ReachBoxText
{
    /// <summary>
    /// The boxes of a region as they are written (<see cref="ReachBoxForms"/>: each lists what makes
    /// it mean exactly its packets), each once.
    /// </summary>
    public static IEnumerable<IReadOnlyList<(string Name, IReadOnlyList<string> Values)>> Distinct(ReachRegion region, ReachResult result)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var form in ReachBoxForms.Of(region, result))
        {
            var parts = Listed(form, result.Space).ToList();
            if (seen.Add(string.Join(";", parts.Select(p => p.Name + "=" + string.Join(",", p.Values))))) yield return parts;
        }
    }

    private static IEnumerable<(string Name, IReadOnlyList<string> Values)> Listed(WrittenBox form, PacketSpace space)
    {
        foreach (var d in Dimensions.All.Where(form.Listed.Contains)) yield return (d.JsonName(), Values(d, form.Values[d], space));
        if (form.ListsMark) yield return ("mark", Marks(form.Values.Mark));
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
