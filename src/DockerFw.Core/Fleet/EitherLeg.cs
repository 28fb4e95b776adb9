using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>
/// A leg whose packets meet one of two fates, which one the bundles do not say: whether a host's
/// conntrack sees a connection's replies (<see cref="ReplySight"/>: its bridge-nf-call-iptables not
/// recorded), whether its kernel tracks DCCP and SCTP itself. As
/// <see cref="Audit.Analysis.LaterPackets.Either"/> for one host: a packet is surely dropped only where
/// both fates drop it, and undecided wherever one of them does not accept it. Both legs are of the same
/// packets in neutral terms (<see cref="Neutral"/>: no state), so their pieces intersect.
/// </summary>
internal static class EitherLeg
{
    /// <param name="ifOne">When <paramref name="one"/> holds, e.g. "if it sees the replies".</param>
    /// <param name="doubt">What is not known, which the undecided pieces say.</param>
    public static Leg Of(Leg one, string ifOne, Leg other, string ifOther, string doubt)
    {
        var pieces = new List<LegPiece>();
        var dead = PacketSet.Empty;
        foreach (var p in one.Pieces.Where(Dies))
            foreach (var q in other.Pieces.Where(Dies))
                if (p.Packets.Intersect(q.Packets) is { IsEmpty: false } both)
                {
                    pieces.Add(p with { Packets = both, Rule = p.Rule == q.Rule ? p.Rule : $"{p.Rule ?? "no rule"} {ifOne}, {q.Rule ?? "no rule"} {ifOther}" });
                    dead = dead.Union(both);
                }

        foreach (var (piece, when) in one.Pieces.Select(p => (p, ifOne)).Concat(other.Pieces.Select(p => (p, ifOther))))
            if (piece.Verdict != ReachVerdict.Accept && piece.Packets.Subtract(dead) is { IsEmpty: false } rest)
                pieces.Add(Undecided(piece, rest, $"{doubt}: {when}, {piece.Rule ?? "no rule"} {(piece.Verdict == ReachVerdict.Maybe ? "may drop" : "drops")} them"));

        var accepted = other.Accepted;
        foreach (var p in one.Pieces.Where(p => p.Verdict == ReachVerdict.Accept))
            if (p.Packets.Intersect(accepted) is { IsEmpty: false } both) pieces.Add(p with { Packets = both });
        return one with { Pieces = [.. pieces] };
    }

    /// <summary>
    /// A leg that holds only if the host sees the packets at all (the other fate: no rule meets them,
    /// every one passes): what it drops is undecided.
    /// </summary>
    public static Leg IfSeen(Leg leg, string doubt) => leg with
    {
        Pieces = [.. leg.Pieces.Select(p => p.Verdict == ReachVerdict.Accept ? p
            : Undecided(p, p.Packets, $"{doubt}: if it does, {p.Rule ?? "no rule"} {(p.Verdict == ReachVerdict.Maybe ? "may drop" : "drops")} them"))],
    };

    private static bool Dies(LegPiece piece) => piece.Verdict is ReachVerdict.Drop or ReachVerdict.Reject;

    private static LegPiece Undecided(LegPiece piece, PacketSet packets, string doubt) =>
        piece with { Verdict = ReachVerdict.Maybe, Packets = packets, Doubt = piece.Doubt is null ? doubt : $"{doubt} ({piece.Doubt})" };
}
