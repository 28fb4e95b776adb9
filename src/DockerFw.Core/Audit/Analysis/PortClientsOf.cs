using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Which of a partly open port's connections the filter lets in, in words a reader can check: the
/// clients (<c>any client but 203.0.113.5</c>, or the few that get in), the input interfaces they
/// arrive on when the filter's answer differs by interface (<c>any interface but eth0</c>, oracle F41), the host addresses
/// (<see cref="HostAddressText"/>: <c>any address of the host but 203.0.113.5</c>), and, where those
/// two sides do not say it all (a rule that drops some clients on one address only, or some source
/// ports), the connections kept out. The judged set is every address the port was asked about, so
/// no address stands for the others.
/// </summary>
public static class PortClientsOf
{
    // A kept-out list names its pieces; past this many the rest are counted.
    private const int MaxPieces = 4;

    /// <param name="everyHost">Every address the host may have, when the port is bound to all of them; null when it is bound to one.</param>
    /// <remarks>
    /// The connections that only may get in (a rule the dump cannot decide, a recent list) are not
    /// called kept out (oracle F58): the sides name the connections that get in or may, and
    /// <see cref="PortClients.Uncertain"/> those that only may.
    /// </remarks>
    public static PortClients Of(PortReach reach, PacketSpace space, IntervalSet? everyHost)
    {
        if (reach.PassedMaybe.IsEmpty) return Of(reach.Passed, reach.Judged, space, everyHost);
        var maybe = reach.PassedMaybe.Intersect(reach.Judged);
        return Of(reach.Passed.Union(maybe), reach.Judged, space, everyHost) with { Uncertain = maybe.IsEmpty ? null : KeptOut(maybe, reach.Judged, space) };
    }

    /// <param name="passed">The judged connections the filter lets in.</param>
    /// <param name="judged">Every connection the port was asked about that its DNAT sends on.</param>
    public static PortClients Of(PacketSet passed, PacketSet judged, PacketSpace space, IntervalSet? everyHost)
    {
        var family = space.Family;
        var (passedSrc, judgedSrc) = (Side(passed, Dimension.Src), Side(judged, Dimension.Src));
        var (passedDst, judgedDst) = (Side(passed, Dimension.Dst), Side(judged, Dimension.Dst));
        var (passedIn, judgedIn) = (Side(passed, Dimension.In), Side(judged, Dimension.In));
        var sources = judgedSrc.IsSubsetOf(passedSrc) ? null : AllBut("any client", passedSrc, judgedSrc, family);
        var via = judgedIn.IsSubsetOf(passedIn) ? null : Interfaces(passedIn, judgedIn, space);
        var hosts = judgedDst.IsSubsetOf(passedDst) ? null
            : everyHost is { } every ? HostAddressText.Of(passedDst, every, family)
            : FlowText.Addresses(passedDst, judgedDst, family);
        // The two sides are exact when what passes is every judged connection from those clients on
        // those addresses; otherwise the connections they would claim and that do not pass are named.
        var claimed = new PacketSet([.. judged.Boxes
            .Select(b => b.With(Dimension.Src, b[Dimension.Src].Intersect(passedSrc)).With(Dimension.Dst, b[Dimension.Dst].Intersect(passedDst))
                .With(Dimension.In, b[Dimension.In].Intersect(passedIn)))
            .Where(b => !b.IsEmpty)]);
        var keptOut = claimed.Subtract(passed);
        return new PortClients(sources, hosts) { Interfaces = via, KeptOut = keptOut.IsEmpty ? null : KeptOut(keptOut, judged, space) };
    }

    private static IntervalSet Side(PacketSet set, Dimension side) => set.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[side]));

    /// <summary>
    /// The input interfaces some connections arrive on (oracle F41), as <c>any interface but eth0</c>
    /// when one or two are missing, else the ones listed; an "others" symbol reads <c>any other
    /// interface</c> (or <c>any other br-+ interface</c> for a wildcard's stem).
    /// </summary>
    public static string Interfaces(IntervalSet some, IntervalSet whole, PacketSpace space)
    {
        // The model's uplink (HostModel.Uplink) is one of the interfaces no rule names: it reads as they do.
        string Name(int symbol) => space.Interfaces.IsOther(symbol)
            ? space.Interfaces.KeyOf(symbol) is "" ? "any other interface" : $"any other {space.Interfaces.KeyOf(symbol)}+ interface"
            : space.Interfaces.KeyOf(symbol) is HostModel.Uplink ? "any other interface" : space.Interfaces.KeyOf(symbol);
        static IEnumerable<int> Symbols(IntervalSet set) => set.Ranges.SelectMany(r => Enumerable.Range((int)r.First, (int)(r.Last - r.First) + 1));
        var named = Symbols(some).Select(Name).Distinct().ToList();
        var missing = Symbols(whole.Subtract(some)).Select(Name).Distinct().ToList();
        return missing.Count <= 2 && !missing.Any(m => m.StartsWith("any other", StringComparison.Ordinal)) && !missing.Intersect(named).Any()
            ? $"any interface but {string.Join(" or ", missing)}"
            : string.Join(", ", named);
    }

    /// <summary>The addresses of a side: <c>WHO but ...</c> when only a few ranges are missing, else the ones listed.</summary>
    private static string? AllBut(string who, IntervalSet some, IntervalSet whole, IpFamily family)
    {
        var missing = whole.Subtract(some);
        return missing.Ranges.Count() <= 2 ? $"{who} but {FlowText.Addresses(missing, whole, family)}" : FlowText.Addresses(some, whole, family);
    }

    /// <summary>
    /// Some of a port's connections in words, as <c>from 203.0.113.5 on 198.51.100.3</c>, naming only
    /// the sides where they are not every one of <paramref name="judged"/> (the replies of some
    /// connections dropped: <c>from source port 20990</c>).
    /// </summary>
    public static string Connections(PacketSet some, PacketSet judged, PacketSpace space) => KeptOut(some, judged, space);

    /// <summary>The kept-out connections, as <c>from 203.0.113.5 on 198.51.100.3 via eth0</c>, one piece per distinct client, address, interface and source port set.</summary>
    private static string KeptOut(PacketSet keptOut, PacketSet judged, PacketSpace space)
    {
        var (judgedSrc, judgedDst, judgedIn) = (Side(judged, Dimension.Src), Side(judged, Dimension.Dst), Side(judged, Dimension.In));
        // Boxes that differ only by client are one piece: the routes cut the clients apart (a local
        // address, the broadcast one) where the words need not.
        var pieces = keptOut.Boxes.GroupBy(b => Rest(b, judgedDst, judgedIn, space))
            .Select(g => From(g.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Src])), judgedSrc, space) is { } from
                ? string.Join(" ", new[] { from, g.Key }.Where(w => w.Length > 0))
                : g.Key.Length > 0 ? g.Key : "some connections")
            .Distinct().ToList();
        return pieces.Count <= MaxPieces
            ? string.Join(", ", pieces)
            : string.Join(", ", pieces.Take(MaxPieces)) + $" and {pieces.Count - MaxPieces} more";
    }

    private static string? From(IntervalSet clients, IntervalSet judgedSrc, PacketSpace space)
    {
        // Every client but a few (Docker's recipe: -i eth0 ! -s 192.168.1.1 -j DROP) reads as such.
        var src = clients.Intersect(judgedSrc);
        var missing = judgedSrc.Subtract(src);
        if (!missing.IsEmpty && missing.Ranges.Count() <= 2 && src.Ranges.Count() > missing.Ranges.Count())
            return $"from any client but {FlowText.Addresses(missing, judgedSrc, space.Family)}";
        return FlowText.Addresses(clients, judgedSrc, space.Family) is { } from ? $"from {from}" : null;
    }

    /// <summary>A piece's words but its clients: the addresses it is on, the interfaces, the source ports.</summary>
    private static string Rest(Box box, IntervalSet judgedDst, IntervalSet judgedIn, PacketSpace space)
    {
        var words = new List<string>();
        if (FlowText.Addresses(box[Dimension.Dst], judgedDst, space.Family) is { } on) words.Add($"on {on}");
        // Named only where the connections are not every interface's (oracle F41: a rule on -i eth0).
        if (!judgedIn.IsSubsetOf(box[Dimension.In])) words.Add($"via {Interfaces(box[Dimension.In].Intersect(judgedIn), judgedIn, space)}");
        if (FlowText.SourcePorts(box, space) is { } ports) words.Add($"from source port{(box[Dimension.Sport].Cardinality == 1 ? "" : "s")} {ports}");
        return string.Join(" ", words);
    }
}
