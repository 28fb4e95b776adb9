using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Which of a partly open port's connections the filter lets in, in words a reader can check: the
/// clients (<c>any client but 203.0.113.5</c>, or the few that get in), the host addresses
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
    public static PortClients Of(PortReach reach, PacketSpace space, IntervalSet? everyHost) => Of(reach.Passed, reach.Judged, space, everyHost);

    /// <param name="passed">The judged connections the filter lets in.</param>
    /// <param name="judged">Every connection the port was asked about that its DNAT sends on.</param>
    public static PortClients Of(PacketSet passed, PacketSet judged, PacketSpace space, IntervalSet? everyHost)
    {
        var family = space.Family;
        var (passedSrc, judgedSrc) = (Side(passed, Dimension.Src), Side(judged, Dimension.Src));
        var (passedDst, judgedDst) = (Side(passed, Dimension.Dst), Side(judged, Dimension.Dst));
        var sources = judgedSrc.IsSubsetOf(passedSrc) ? null : AllBut("any client", passedSrc, judgedSrc, family);
        var hosts = judgedDst.IsSubsetOf(passedDst) ? null
            : everyHost is { } every ? HostAddressText.Of(passedDst, every, family)
            : FlowText.Addresses(passedDst, judgedDst, family);
        // The two sides are exact when what passes is every judged connection from those clients on
        // those addresses; otherwise the connections they would claim and that do not pass are named.
        var claimed = new PacketSet([.. judged.Boxes
            .Select(b => b.With(Dimension.Src, b[Dimension.Src].Intersect(passedSrc)).With(Dimension.Dst, b[Dimension.Dst].Intersect(passedDst)))
            .Where(b => !b.IsEmpty)]);
        var keptOut = claimed.Subtract(passed);
        return new PortClients(sources, hosts) { KeptOut = keptOut.IsEmpty ? null : KeptOut(keptOut, judgedSrc, judgedDst, space) };
    }

    private static IntervalSet Side(PacketSet set, Dimension side) => set.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[side]));

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
    public static string Connections(PacketSet some, PacketSet judged, PacketSpace space) =>
        KeptOut(some, Side(judged, Dimension.Src), Side(judged, Dimension.Dst), space);

    /// <summary>The kept-out connections, as <c>from 203.0.113.5 on 198.51.100.3</c>, one piece per distinct client, address and source port set.</summary>
    private static string KeptOut(PacketSet keptOut, IntervalSet judgedSrc, IntervalSet judgedDst, PacketSpace space)
    {
        var pieces = keptOut.Boxes.Select(b => Piece(b, judgedSrc, judgedDst, space)).Distinct().ToList();
        return pieces.Count <= MaxPieces
            ? string.Join(", ", pieces)
            : string.Join(", ", pieces.Take(MaxPieces)) + $" and {pieces.Count - MaxPieces} more";
    }

    private static string Piece(Box box, IntervalSet judgedSrc, IntervalSet judgedDst, PacketSpace space)
    {
        var words = new List<string>();
        if (FlowText.Addresses(box[Dimension.Src], judgedSrc, space.Family) is { } from) words.Add($"from {from}");
        if (FlowText.Addresses(box[Dimension.Dst], judgedDst, space.Family) is { } on) words.Add($"on {on}");
        if (FlowText.SourcePorts(box, space) is { } ports) words.Add($"from source port{(box[Dimension.Sport].Cardinality == 1 ? "" : "s")} {ports}");
        return words.Count == 0 ? "some connections" : string.Join(" ", words);
    }
}
