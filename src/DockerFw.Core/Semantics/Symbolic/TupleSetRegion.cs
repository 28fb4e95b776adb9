using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// The packets a <see cref="TupleSet"/> holds, as disjoint boxes of the space: each element is one box
/// (its addresses, its protocol and ports, its interfaces), and the first element that holds a packet
/// decides, so the elements are laid from the last tried to the first, each one's answer covering
/// what it holds (a <c>nomatch</c> element takes its box out of what the later ones gave).
/// </summary>
internal static class TupleSetRegion
{
    public static PacketSet Of(TupleSet set, PacketSpace space)
    {
        if (set.Family != space.Family) return PacketSet.Empty;
        if (!set.HasExceptions) return Union(set, space);
        var region = PacketSet.Empty;
        for (var i = set.Elements.Length - 1; i >= 0; i--)
        {
            if (BoxOf(set, set.Elements[i], space) is not { } box) continue;
            region = set.Elements[i].Matches ? region.Union(PacketSet.Of(box)) : region.Subtract(box);
        }

        return region;
    }

    /// <summary>
    /// Without exceptions the order does not matter: the elements that agree on every column but a
    /// first column of addresses are one box (a fail2ban list of addresses on one port is one box, not
    /// thousands), and only those boxes are made disjoint.
    /// </summary>
    private static PacketSet Union(TupleSet set, PacketSpace space)
    {
        var merge = set.Columns[0].Field is TupleSetField.Source or TupleSetField.Destination;
        var groups = new Dictionary<string, (TupleElement Element, List<(UInt128, UInt128)> Firsts)>(StringComparer.Ordinal);
        foreach (var element in set.Elements)
        {
            var key = string.Join("|", merge ? element.Values.Skip(1) : element.Values);
            if (!groups.TryGetValue(key, out var group)) groups[key] = group = (element, []);
            group.Firsts.Add((element.Values[0].First, element.Values[0].Last));
        }

        var region = PacketSet.Empty;
        foreach (var (element, firsts) in groups.Values)
        {
            if (BoxOf(set, element, space) is not { } box) continue;
            if (merge) box = box.With(Dimension(set.Columns[0].Field), IntervalSet.FromRanges(firsts));
            region = region.Union(PacketSet.Of(box));
        }

        return region;
    }

    /// <summary>The element's box; null when it holds no packet (a port other than 0 of a protocol whose port the set reads as 0).</summary>
    private static Box? BoxOf(TupleSet set, TupleElement element, PacketSpace space)
    {
        var box = space.WholeOfAnyMark();
        for (var i = 0; i < set.Columns.Length; i++)
        {
            if (Column(set.Columns[i], element.Values[i], space) is not { } cut) return null;
            box = box.With(cut.Dimension, box[cut.Dimension].Intersect(cut.Set));
            if (cut.Protocol is { } p) box = box.With(Symbolic.Dimension.Proto, box[Symbolic.Dimension.Proto].Intersect(IntervalSet.Single((UInt128)p)));
        }

        return box.IsEmpty ? null : box;
    }

    private static (Dimension Dimension, IntervalSet Set, int? Protocol)? Column(TupleColumn column, TupleValue value, PacketSpace space)
    {
        var dimension = Dimension(column.Field);
        if (value.Interface is { } name) return (dimension, space.Interfaces.Matching(name), null);
        if (!column.IsPort) return (dimension, IntervalSet.Range(value.First, value.Last), null);
        var protocol = TuplePorts.ProtocolOf(column, value);
        if (TuplePorts.ReadsHeader(protocol)) return (dimension, IntervalSet.Range(value.First, value.Last), protocol);
        // The set reads port 0 of every other protocol: the element holds all of its packets, or none.
        return value.First == 0 ? (dimension, space.Full(dimension), protocol) : null;
    }

    private static Dimension Dimension(TupleSetField field) => field switch
    {
        TupleSetField.Source => Symbolic.Dimension.Src,
        TupleSetField.Destination => Symbolic.Dimension.Dst,
        TupleSetField.SourcePort => Symbolic.Dimension.Sport,
        TupleSetField.DestinationPort => Symbolic.Dimension.Dport,
        TupleSetField.InInterface => Symbolic.Dimension.In,
        _ => Symbolic.Dimension.Out,
    };
}
