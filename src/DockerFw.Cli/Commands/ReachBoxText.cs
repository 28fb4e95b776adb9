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
    /// The boxes of a region as the JSON writes them (<see cref="ReachBoxForms"/>: each lists what
    /// makes it mean exactly its packets), each once; an interface set that holds most of what the
    /// query allows is written as the names it leaves out (<c>outExcept</c>), which keeps a box of
    /// "any output but this bridge" one name long instead of every other bridge (2,000 such rules
    /// wrote 438 MB of JSON, 20,000 would have written about 4 GB).
    /// </summary>
    public static IEnumerable<IReadOnlyList<(string Name, IReadOnlyList<string> Values)>> Distinct(ReachRegion region, ReachResult result, QueryInterfaces allowed) =>
        DistinctForms(region, result).Select(form => (IReadOnlyList<(string, IReadOnlyList<string>)>)[.. Listed(form, result.Space, allowed)]);

    /// <summary>
    /// The forms of a region's boxes, each once: two forms are one when they list the same
    /// dimensions with the same sets (and the same mark cubes), which is when they read the same.
    /// </summary>
    public static IEnumerable<WrittenBox> DistinctForms(ReachRegion region, ReachResult result)
    {
        var seen = new HashSet<FormKey>();
        foreach (var form in ReachBoxForms.Of(region, result))
            if (seen.Add(new FormKey(form))) yield return form;
    }

    /// <summary>
    /// A box for reach's text: each listed dimension as one phrase, interface sets short
    /// (<see cref="InterfaceSetText"/>), other lists cut after <see cref="MaxRanges"/> ranges.
    /// </summary>
    public static IReadOnlyList<(string Name, string Text)> Phrases(WrittenBox form, ReachResult result, InterfaceSetText inputs, InterfaceSetText outputs)
    {
        var phrases = new List<(string, string)>();
        foreach (var d in Dimensions.All.Where(form.Listed.Contains))
        {
            var set = form.Values[d];
            var text = d switch
            {
                Dimension.In => inputs.Of(set),
                Dimension.Out => outputs.Of(set),
                Dimension.TcpFlags => string.Join(" or ", ReachFlagsText.Of(set)),
                _ => Bounded(Values(d, Cut(set), result.Space), set.Count),
            };
            phrases.Add((d.JsonName(), text));
        }

        if (form.ListsMark) phrases.Add(("mark", Bounded(Marks(form.Values.Mark), form.Values.Mark.Cubes.Count)));
        return phrases;
    }

    /// <summary>The most ranges of one dimension reach's text writes for one box; the JSON writes all.</summary>
    public const int MaxRanges = 64;

    private static IntervalSet Cut(IntervalSet set) =>
        set.Count <= MaxRanges ? set : IntervalSet.FromRanges(set.Ranges.Take(MaxRanges));

    private static string Bounded(IReadOnlyList<string> values, int ranges) =>
        ranges <= MaxRanges ? string.Join(",", values) : $"{string.Join(",", values.Take(MaxRanges))}, ... and {ranges - MaxRanges} more ranges";

    private static IEnumerable<(string Name, IReadOnlyList<string> Values)> Listed(WrittenBox form, PacketSpace space, QueryInterfaces allowed)
    {
        foreach (var d in Dimensions.All.Where(form.Listed.Contains))
        {
            var set = form.Values[d];
            if (d is Dimension.In or Dimension.Out && allowed.LeftOut(d, set) is { } rest)
                yield return (d.JsonName() + "Except", Values(d, rest, space));
            else
                yield return (d.JsonName(), Values(d, set, space));
        }

        if (form.ListsMark) yield return ("mark", Marks(form.Values.Mark));
    }

    private static IReadOnlyList<string> Values(Dimension d, IntervalSet set, PacketSpace space) => d switch
    {
        Dimension.Src or Dimension.Dst => [.. set.Ranges.Select(r => Range(r, v => IpAddressValue.Format(v, space.Family)))],
        Dimension.State => [.. Each(set).Select(v => ConntrackStatesText.Format((ConntrackStates)(int)v))],
        Dimension.In or Dimension.Out => [.. Each(set).Select(v => space.Interfaces.Display((int)v))],
        Dimension.TcpFlags => ReachFlagsText.Of(set),
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

/// <summary>What tells two written boxes apart: the dimensions listed, their sets, the mark's cubes as written.</summary>
internal sealed class FormKey(WrittenBox form) : IEquatable<FormKey>
{
    private readonly Dimension[] _listed = Listed(form);
    private readonly IntervalSet[] _sets = Sets(form);
    private readonly string? _mark = form.ListsMark ? form.Values.Mark.ToString() : null;

    // The listed dimensions in their order (a form lists them so already), without a query per dimension.
    private static Dimension[] Listed(WrittenBox form)
    {
        var listed = new Dimension[form.Listed.Count];
        var n = 0;
        for (var i = 0; i < Dimensions.Count; i++)
            if (form.Listed.Contains((Dimension)i)) listed[n++] = (Dimension)i;
        return n == listed.Length ? listed : listed[..n];
    }

    private static IntervalSet[] Sets(WrittenBox form)
    {
        var listed = Listed(form);
        var sets = new IntervalSet[listed.Length];
        for (var i = 0; i < listed.Length; i++) sets[i] = form.Values[listed[i]];
        return sets;
    }

    public bool Equals(FormKey? other) =>
        other is not null && _listed.AsSpan().SequenceEqual(other._listed) && _sets.AsSpan().SequenceEqual(other._sets) && _mark == other._mark;

    public override bool Equals(object? obj) => Equals(obj as FormKey);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in _listed) h.Add(d);
        foreach (var set in _sets) h.Add(set);
        h.Add(_mark);
        return h.ToHashCode();
    }
}
