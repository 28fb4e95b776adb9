using System.Collections.Immutable;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>
/// Puts a cell's legs together: the route first, then the sender's forward leg, the tunnel's outer
/// packet out of the sender and into the receiver, and the receiver's forward leg, for the source the
/// receiver sees (the container's, or the sender's after its MASQUERADE). Each packet of the cell ends
/// in exactly one part: reachable (every leg accepts it), blocked (the first leg that drops it, named),
/// or uncertain (a leg cannot decide it, or the way leads outside the bundles).
/// </summary>
public static class CellJudge
{
    /// <param name="legs">The cell's legs by key, as the hosts judged them; null for a leg no host judged.</param>
    public static FleetCell Judge(CellSpec cell, Func<LegKey, Leg?> legs)
    {
        var way = cell.Way;
        var route = new Decision(cell.Sender.Name, null, way.Route is { } r ? UnderlayWay.Text(r) : "no route");
        if (way.Kind is WayKind.NoRoute or WayKind.OwnBridge)
            return Done(cell, [new CellPart(CellOutcome.Blocked, cell.Universe, [route], null, way.Reason)]);

        var parts = new List<CellPart>();
        if (legs(LegKey.SenderForward) is not { } sender)
            return Done(cell, [new CellPart(CellOutcome.Uncertain, cell.Universe, [route], null, way.Reason)]);

        var accepted = new List<(PacketSet Packets, Decision Rule, string? Nat)>();
        foreach (var piece in sender.Pieces)
        {
            var decision = new Decision(sender.Host, LegStage.SenderForward, piece.Rule ?? "no rule decides") { At = piece.At };
            if (piece.Verdict == ReachVerdict.Accept) accepted.Add((piece.Packets, decision, piece.Nat));
            else parts.Add(Unaccepted(piece, decision));
        }

        if (accepted.Count == 0) return Done(cell, parts);
        if (way.Kind == WayKind.Elsewhere || way.PeerInDevice is null)
        {
            parts.AddRange(accepted.Select(a => new CellPart(CellOutcome.Uncertain, a.Packets, [a.Rule, route], a.Nat, way.Reason)));
            return Done(cell, parts);
        }

        // The outer packet carries every inner one: its fate on either host is theirs.
        var outer = new List<Decision>();
        foreach (var key in new[] { LegKey.SenderOutput, LegKey.ReceiverInput })
        {
            if (legs(key) is not { } leg) continue;
            var refusal = Leg.Refusal(leg.Pieces);
            var first = refusal?.First ?? leg.Pieces.FirstOrDefault();
            var decision = new Decision(leg.Host, leg.Stage, first?.Rule ?? "no rule decides") { At = first?.At };
            if (refusal is not { Outcome: var outcome }) { outer.Add(decision); continue; }
            var reason = outcome == CellOutcome.Blocked
                ? $"{leg.Host} drops the tunnel's outer packets ({way.Outer!.Display})"
                : first?.Doubt ?? $"{leg.Host} lets some of the tunnel's outer packets ({way.Outer!.Display}) through and not others";
            parts.AddRange(accepted.Select(a => new CellPart(outcome, a.Packets, [a.Rule, decision], a.Nat, reason)));
            return Done(cell, parts);
        }

        var plain = legs(LegKey.ReceiverForward);
        var masqueraded = legs(LegKey.ReceiverForwardMasqueraded);
        foreach (var (packets, rule, nat) in accepted)
        {
            var receiver = nat is null ? plain : masqueraded;
            if (receiver is null)
            {
                parts.Add(new CellPart(CellOutcome.Uncertain, packets, [rule], nat,
                    $"{cell.Sender.Name} masquerades them out of {way.OutDevice}, which has no address in its bundle"));
                continue;
            }

            foreach (var piece in receiver.Pieces)
            {
                var common = packets.Intersect(piece.Packets);
                if (common.IsEmpty) continue;
                var decision = new Decision(receiver.Host, LegStage.ReceiverForward, piece.Rule ?? "no rule decides") { At = piece.At };
                ImmutableArray<Decision> decisions = [rule, .. outer, decision];
                if (piece.Verdict == ReachVerdict.Accept)
                    parts.AddRange(Answered(cell, legs, nat is not null,
                        Replied(cell, nat is null ? cell.ReplyWay : cell.MasqueradedReplyWay, new CellPart(CellOutcome.Reachable, common, decisions, nat, null))));
                else
                    parts.Add(Unaccepted(piece, decision, common) with { Decisions = decisions, Nat = nat });
            }
        }

        return Done(cell, parts);
    }

    /// <summary>
    /// A connection is made only when the replies find their way back: the receiver's route to the
    /// source it saw must lead to the sender (a receiver without one answers into its default route).
    /// </summary>
    private static CellPart Replied(CellSpec cell, UnderlayWay? back, CellPart reached)
    {
        if (back is null || back.Reaches) return reached;
        var decision = new Decision(cell.Receiver.Name, null, back.Route is { } r ? UnderlayWay.Text(r) : "no route");
        var outcome = back.Kind == WayKind.Elsewhere ? CellOutcome.Uncertain : CellOutcome.Blocked;
        return reached with
        {
            Outcome = outcome,
            Decisions = reached.Decisions.Add(decision),
            Reason = back.Via is { } via ? $"the replies go back through {via}, not straight to {cell.Sender.Name}: {back.Reason}" : $"the replies do not find their way back: {back.Reason}",
        };
    }

    /// <summary>
    /// A connection is made only when the replies pass both hosts' rules as well (<see cref="ReplyLegs"/>):
    /// the receiver's FORWARD out of its bridge, a tunnel's outer packets back, the sender's FORWARD to
    /// its container. Reachable packets whose replies one of them drops are blocked there, those it
    /// cannot decide uncertain; each request packet is judged by the fate of its own replies.
    /// </summary>
    private static IEnumerable<CellPart> Answered(CellSpec cell, Func<LegKey, Leg?> legs, bool masqueraded, CellPart reached)
    {
        if (reached.Outcome != CellOutcome.Reachable)
        {
            yield return reached;
            yield break;
        }

        var back = (masqueraded ? cell.MasqueradedReplyWay : cell.ReplyWay)!;
        if (ReplySight.Receiver(cell.Receiver, cell.Way, back) is var requestsSeen && requestsSeen != true)
        {
            yield return reached with { Outcome = CellOutcome.Uncertain, Reason = ReplySight.ReceiverWhy(cell.Receiver, cell.Way, back, requestsSeen) };
            yield break;
        }

        var to = masqueraded ? IntervalSet.Single(cell.Way.MasqueradeSource!.Value) : null;
        // The connection in its order: the replies' way back, then the requests' later packets.
        LegKey[] keys = masqueraded
            ? [LegKey.ReceiverReplyMasqueraded, LegKey.ReceiverReplyOutputMasqueraded, LegKey.SenderReplyInputMasqueraded, LegKey.SenderReplyMasqueraded, LegKey.SenderLaterMasqueraded, LegKey.ReceiverLaterMasqueraded]
            : [LegKey.ReceiverReply, LegKey.ReceiverReplyOutput, LegKey.SenderReplyInput, LegKey.SenderReply, LegKey.SenderLater, LegKey.ReceiverLater];
        var open = reached.Packets;
        // Whether the sender's conntrack sees the replies (ReplySight): where not, no rule of its meets
        // them and its later packets were asked as an unreplied connection's; where not known, either.
        var replied = ReplySight.Sender(cell.Sender, cell.Way, back);
        var unseen = replied == true ? null : ReplySight.SenderWhy(cell.Sender, cell.Receiver, back, replied);
        foreach (var key in keys)
        {
            var outer = key is LegKey.ReceiverReplyOutput or LegKey.ReceiverReplyOutputMasqueraded or LegKey.SenderReplyInput or LegKey.SenderReplyInputMasqueraded;
            if (outer && back.Outer is null) continue;
            var senderReplies = key is LegKey.SenderReply or LegKey.SenderReplyMasqueraded;
            if (senderReplies && replied == false) continue;
            var leg = legs(key);
            if (leg is not null && replied is null && senderReplies) leg = EitherLeg.IfSeen(leg, unseen!);
            if (leg is not null && replied is null && key is LegKey.SenderLater or LegKey.SenderLaterMasqueraded)
                leg = legs(masqueraded ? LegKey.SenderLaterUnrepliedMasqueraded : LegKey.SenderLaterUnreplied) is { } unreplied
                    ? EitherLeg.Of(leg, "if it sees them", unreplied, "if not", unseen!) : null;
            if (leg is null)
            {
                yield return reached with { Outcome = CellOutcome.Uncertain, Packets = open, Reason = "the way of the replies was not judged on both hosts" };
                yield break;
            }

            if (outer)
            {
                // The outer packet carries every reply: its fate is theirs.
                if (Leg.Refusal(leg.Pieces) is not var (outcome, first)) continue;
                yield return reached with
                {
                    Outcome = outcome,
                    Packets = open,
                    Decisions = reached.Decisions.Add(new Decision(leg.Host, leg.Stage, first.Rule ?? "no rule decides") { At = first.At }),
                    Reason = outcome == CellOutcome.Blocked
                        ? $"{leg.Host} drops the replies' tunnel packets ({back.Outer!.Display})"
                        : first.Doubt ?? $"{leg.Host} lets some of the replies' tunnel packets ({back.Outer!.Display}) through and not others",
                };
                yield break;
            }

            // Drops first, then what the rules cannot decide: a request whose replies meet both is blocked.
            var later = leg.Stage is LegStage.SenderLater or LegStage.ReceiverLater;
            foreach (var piece in leg.Pieces.Where(p => p.Verdict != ReachVerdict.Accept).OrderBy(p => p.Verdict == ReachVerdict.Maybe))
            {
                var requests = PacketSet.Empty;
                foreach (var request in open.Boxes)
                {
                    // The receiver sees the masqueraded source and answers it; the sender's FORWARD saw the
                    // container's and sees the replies de-NATed to it (conntrack undoes the MASQUERADE in
                    // PREROUTING): asked at the masqueraded address, a's drop of them was never met.
                    var seen = leg.Stage is LegStage.ReceiverLater or LegStage.ReceiverReply ? to : null;
                    var packets = later ? Neutral.Later(request, seen) : Neutral.Replies(request, seen);
                    foreach (var box in piece.Packets.Boxes)
                        if (packets.Intersect(box) is { IsEmpty: false } dead
                            && (later ? Neutral.Started(dead, request) : Neutral.Answered(dead, request)) is { IsEmpty: false } answered)
                            requests = requests.Union(PacketSet.Of(answered));
                }

                if (requests.IsEmpty) continue;
                var decision = new Decision(leg.Host, leg.Stage, piece.Rule ?? "no rule decides") { At = piece.At };
                yield return reached with
                {
                    Outcome = piece.Verdict == ReachVerdict.Maybe ? CellOutcome.Uncertain : CellOutcome.Blocked,
                    Packets = requests,
                    Decisions = reached.Decisions.Add(decision),
                    Reason = piece.Verdict == ReachVerdict.Maybe
                        ? piece.Doubt ?? $"the rules of {leg.Host} cannot decide the {(later ? "connections' later packets" : "replies")}"
                        : later ? $"{leg.Host} drops the connections' later packets ({Leg.StageName(leg.Stage)}){(replied == false && leg.Stage == LegStage.SenderLater ? $": {unseen}" : "")}"
                        : $"{leg.Host} drops the replies ({Leg.StageName(leg.Stage)})",
                };
                open = open.Subtract(requests);
                if (open.IsEmpty) yield break;
            }
        }

        yield return reached with { Packets = open };
    }

    private static CellPart Unaccepted(LegPiece piece, Decision decision, PacketSet? packets = null) =>
        piece.Verdict == ReachVerdict.Maybe
            ? new CellPart(CellOutcome.Uncertain, packets ?? piece.Packets, [decision], piece.Nat, piece.Doubt ?? "the rules cannot decide")
            : new CellPart(CellOutcome.Blocked, packets ?? piece.Packets, [decision], piece.Nat, null);

    private static FleetCell Done(CellSpec cell, IEnumerable<CellPart> parts)
    {
        // Parts that say the same thing are one part: their packets together.
        var merged = parts.GroupBy(p => (p.Outcome, Key: new Decisions(p.Decisions), p.Nat, p.Reason))
            .Select(g => g.First() with { Packets = g.Skip(1).Aggregate(g.First().Packets, (s, p) => s.Union(p.Packets)) })
            .ToImmutableArray();
        var outcomes = merged.Select(p => p.Outcome).Distinct().ToList();
        var outcome = outcomes.Contains(CellOutcome.Uncertain) ? CellOutcome.Uncertain
            : outcomes.Count == 1 ? outcomes[0]
            : outcomes.Contains(CellOutcome.Reachable) ? CellOutcome.Partial : CellOutcome.Blocked;
        return new FleetCell(cell, outcome, merged);
    }

    // Parts' decisions compared as sequences of records: a key for grouping without writing them out.
    private readonly record struct Decisions(ImmutableArray<Decision> All)
    {
        public bool Equals(Decisions other) => All.SequenceEqual(other.All);

        public override int GetHashCode() => All.Aggregate(All.Length, (h, d) => HashCode.Combine(h, d));
    }
}
