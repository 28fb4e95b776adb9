using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Cli.Commands;

/// <summary>
/// A box as reach writes it: the dimensions it lists (with <see cref="Values"/>' sets on them) and
/// whether it lists the mark; every other dimension is "any value the query allows".
/// </summary>
internal sealed record WrittenBox(Box Values, IReadOnlyList<Dimension> Listed, bool ListsMark);

/// <summary>
/// Chooses what each box of a region lists, so that what is written means exactly the box's packets
/// (docs/reach-json.md): the packets of the query whose values lie in every listed dimension, a
/// packet without ports (ICMP type) lying in no box that lists them.
/// <para>
/// The query is several boxes (ported protocols with any ports, ICMP with any type, the rest with
/// neither), so "the dimensions where the box is narrower than its part of the query" is not enough:
/// the whole part of the protocols without ports lists nothing and would read as the whole query
/// (oracle finding F6). Such a box lists its protocols; boxes of one region that read the same apart
/// from the protocols are written once with the union of their protocols (none when that is every
/// part the rest allows), which keeps "the whole query" one empty box. A query asked in some states
/// holds one ICMP part per group of types (an echo reply is never NEW: IcmpStates); where their
/// protocol does not tell them apart, a box lists its ICMP types too.
/// </para>
/// </summary>
internal static class ReachBoxForms
{
    private static readonly Dimension[] ProtocolParts = [Dimension.Proto, Dimension.Sport, Dimension.Dport, Dimension.IcmpType, Dimension.TcpFlags];

    public static IReadOnlyList<WrittenBox> Of(ReachRegion region, ReachResult result)
    {
        // A slot is a finished form, or the index of a group whose protocols are still being gathered.
        var slots = new List<(WrittenBox? Form, int Group)>();
        var groups = new List<(WrittenBox Form, List<Box> Boxes, IntervalSet Protocols)>();
        var groupOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var whole in region.Packets.Boxes)
            foreach (var part in result.Query.Boxes)
            {
                if (!whole.Overlaps(part) || whole.Intersect(part) is not { } box) continue;
                var form = new WrittenBox(box, Narrower(box, part), !box.Mark.Equals(part.Mark));
                if (Exact(form, box, result)) slots.Add((form, -1));
                else if (form.Listed.Intersect(ProtocolParts).Any())
                {
                    // Within its part, listing the box's protocols pins it: the parts' protocols are disjoint.
                    slots.Add((WithProtocols(form, box[Dimension.Proto]), -1));
                }
                else
                {
                    var key = Key(form);
                    if (groupOf.TryGetValue(key, out var g))
                    {
                        var (f, boxes, protocols) = groups[g];
                        boxes.Add(box);
                        groups[g] = (f, boxes, protocols.Union(part[Dimension.Proto]));
                    }
                    else
                    {
                        groupOf[key] = groups.Count;
                        slots.Add((null, groups.Count));
                        groups.Add((form, [box], part[Dimension.Proto]));
                    }
                }
            }

        return [.. slots.SelectMany(s => s.Form is { } form ? [form] : Grouped(groups[s.Group], result))];
    }

    /// <summary>
    /// The packets a written box stands for: the query's packets with every listed value; listing
    /// ports keeps the ported protocols only, listing an ICMP type ICMP only, listing TCP flags TCP only.
    /// </summary>
    public static PacketSet Meaning(WrittenBox form, ReachResult result)
    {
        var space = result.Space;
        var sets = Dimensions.All.Select(d => form.Listed.Contains(d) ? form.Values[d] : space.Full(d)).ToArray();
        if (form.Listed.Contains(Dimension.Sport) || form.Listed.Contains(Dimension.Dport))
            sets[(int)Dimension.Proto] = sets[(int)Dimension.Proto].Intersect(PacketSpace.PortProtocols);
        if (form.Listed.Contains(Dimension.IcmpType))
            sets[(int)Dimension.Proto] = sets[(int)Dimension.Proto].Intersect(IntervalSet.Single((UInt128)space.IcmpProtocol));
        if (form.Listed.Contains(Dimension.TcpFlags))
            sets[(int)Dimension.Proto] = sets[(int)Dimension.Proto].Intersect(IntervalSet.Single((UInt128)Core.Model.Values.Protocol.Tcp));
        return result.Query.Intersect(new Box(sets, form.ListsMark ? form.Values.Mark : BitCubeSet.All));
    }

    private static bool Exact(WrittenBox form, IReadOnlyList<Box> boxes, ReachResult result) =>
        Meaning(form, result).SameAs(new PacketSet([.. boxes]));

    /// <summary>
    /// <see cref="Exact(WrittenBox, IReadOnlyList{Box}, ReachResult)"/> for one box, deciding most boxes
    /// without subtracting and without building the meaning (the TUM dumps write 50,000-200,000 boxes):
    /// the meaning is the query's parts cut by the listed sets, so a part whose cut holds a packet outside
    /// the box makes it not the box, one cut that holds the box and lies inside it makes it the box, and
    /// the subtractions decide the rest.
    /// </summary>
    private static bool Exact(WrittenBox form, Box box, ReachResult result)
    {
        var protocols = Protocols(form, result.Space);
        var cuts = 0;
        var holds = false;
        foreach (var part in result.Query.Boxes)
        {
            if (!Cut(part, form, protocols, box, out var inside, out var holdsBox)) continue;
            if (!inside) return false;
            if (++cuts == 1) holds = holdsBox;
        }

        if (cuts == 0) return false;
        if (cuts == 1 && holds) return true;
        return Meaning(form, result).SameAs(PacketSet.Of(box));
    }

    /// <summary>
    /// Whether a part of the query meets the written box's listed sets (<paramref name="protocols"/> on the
    /// protocol, the whole dimension where nothing is listed), and then whether that cut lies inside the
    /// box and holds it, dimension by dimension, without making the cut.
    /// </summary>
    private static bool Cut(Box part, WrittenBox form, IntervalSet? protocols, Box box, out bool inside, out bool holdsBox)
    {
        (inside, holdsBox) = (true, true);
        for (var i = 0; i < Dimensions.Count; i++)
        {
            var d = (Dimension)i;
            var listed = d == Dimension.Proto ? protocols : form.Listed.Contains(d) ? form.Values[d] : null;
            var values = part[d];
            if (listed is null)
            {
                // The cut is the part's set: the query's sets lie within their dimensions.
                inside &= values.IsSubsetOf(box[d]);
                holdsBox &= box[d].IsSubsetOf(values);
                continue;
            }

            if (!values.Overlaps(listed)) return false;
            inside &= values.IntersectionIsSubsetOf(listed, box[d]);
            holdsBox &= box[d].IsSubsetOf(values) && box[d].IsSubsetOf(listed);
        }

        var marks = part.Mark.Intersect(form.ListsMark ? form.Values.Mark : BitCubeSet.All);
        if (marks.IsEmpty) return false;
        inside &= marks.Equals(box.Mark) || marks.Subtract(box.Mark).IsEmpty;
        holdsBox &= box.Mark.Equals(marks) || box.Mark.Subtract(marks).IsEmpty;
        return true;
    }

    /// <summary>The protocols a written box's meaning allows (<see cref="Meaning"/>), null for every protocol.</summary>
    private static IntervalSet? Protocols(WrittenBox form, PacketSpace space)
    {
        var set = form.Listed.Contains(Dimension.Proto) ? form.Values[Dimension.Proto] : null;
        if (form.Listed.Contains(Dimension.Sport) || form.Listed.Contains(Dimension.Dport))
            set = set?.Intersect(PacketSpace.PortProtocols) ?? PacketSpace.PortProtocols;
        if (form.Listed.Contains(Dimension.IcmpType))
            set = set?.Intersect(IntervalSet.Single((UInt128)space.IcmpProtocol)) ?? IntervalSet.Single((UInt128)space.IcmpProtocol);
        if (form.Listed.Contains(Dimension.TcpFlags))
            set = set?.Intersect(IntervalSet.Single((UInt128)Core.Model.Values.Protocol.Tcp)) ?? IntervalSet.Single((UInt128)Core.Model.Values.Protocol.Tcp);
        return set;
    }

    /// <summary>The dimensions where a box is narrower than its part of the query, in their order.</summary>
    private static Dimension[] Narrower(Box box, Box part)
    {
        Span<Dimension> listed = stackalloc Dimension[Dimensions.Count];
        var n = 0;
        for (var i = 0; i < Dimensions.Count; i++)
            if (!box[(Dimension)i].Equals(part[(Dimension)i])) listed[n++] = (Dimension)i;
        return listed[..n].ToArray();
    }

    private static bool Inside(Box a, Box b)
    {
        foreach (var d in Dimensions.All)
            if (!a[d].IsSubsetOf(b[d])) return false;
        return a.Mark.Equals(b.Mark) || a.Mark.Subtract(b.Mark).IsEmpty;
    }

    private static WrittenBox WithProtocols(WrittenBox form, IntervalSet protocols) => new(
        form.Values.With(Dimension.Proto, protocols),
        [.. Dimensions.All.Where(d => d == Dimension.Proto || form.Listed.Contains(d))],
        form.ListsMark);

    private static IEnumerable<WrittenBox> Grouped((WrittenBox Form, List<Box> Boxes, IntervalSet Protocols) group, ReachResult result)
    {
        if (Exact(group.Form, group.Boxes, result)) return [group.Form];
        var listed = WithProtocols(group.Form, group.Protocols);
        if (Exact(listed, group.Boxes, result)) return [listed];
        // A query asked in some states has one ICMP part per group of types conntrack gives those states
        // (IcmpStates), all of one protocol: the protocols do not pin such a part, its ICMP types do.
        return group.Boxes.Select(b => Pinned(group.Form, b, result.Space));
    }

    private static WrittenBox Pinned(WrittenBox form, Box box, PacketSpace space)
    {
        var icmp = box[Dimension.Proto].Overlaps(IntervalSet.Single((UInt128)space.IcmpProtocol));
        return new WrittenBox(box, [.. Dimensions.All.Where(d => d == Dimension.Proto || (icmp && d == Dimension.IcmpType) || form.Listed.Contains(d))], form.ListsMark);
    }

    private static string Key(WrittenBox form) =>
        string.Join(";", form.Listed.Select(d => $"{d}={form.Values[d]}")) + (form.ListsMark ? $";mark={form.Values.Mark}" : "");
}
