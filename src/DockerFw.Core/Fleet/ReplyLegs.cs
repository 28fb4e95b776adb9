using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>
/// The legs of the rest of a cell's connections: a connection is made only when the receiver's
/// container's answers come back through both hosts' rules, not only through their routes, and the
/// requests' later packets (ESTABLISHED: the handshake's ACK, the data) follow the opening one through
/// both hosts' FORWARD (an admin's "NEW ACCEPT, then DROP" lets the SYN through and nothing after). The receiver's FORWARD from
/// its bridge to the way back and, over a tunnel, the outer packet out of its OUTPUT; the sender's
/// INPUT for that outer packet and its FORWARD from the way back to the container. The replies are
/// ESTABLISHED (the opening created the connection on both hosts) and skip nat; they go to the
/// source the receiver saw: the container's, or the sender's own address where it masqueraded
/// (conntrack gives the container's back in the sender's PREROUTING, before its FORWARD). On the
/// sender a masqueraded connection's replies and later packets are ESTABLISHED,SNAT. Where the replies
/// come back switched into the sender's bridge past its conntrack (<see cref="ReplySight"/>), its later
/// packets are those of an unreplied connection, and none of its rules meets the replies.
/// </summary>
internal static class ReplyLegs
{
    /// <param name="back">The receiver's way back to the container (false) or to the masqueraded source (true); found only when asked.</param>
    public static IEnumerable<(LegKey Key, LegRequest Request)> Of(
        HostSummary sender, HostSummary receiver, string senderBridge, string receiverBridge, IntervalSet sources, IntervalSet destinations,
        UnderlayWay way, Func<bool, UnderlayWay?> back, string host)
    {
        if (!way.Reaches || way.PeerInDevice is null || (host != sender.Name && host != receiver.Name)) yield break;
        // The requests' later packets (the handshake's ACK, the data): ESTABLISHED, the same way as the
        // opening; where the sender's conntrack does not see the replies (ReplySight), as it gives them
        // unreplied; where that is not known, both.
        if (host == sender.Name && way.OutDevice is { } outOfSender)
            foreach (var masqueraded in way.MasqueradeSource is null ? [false] : new[] { false, true })
            {
                var states = masqueraded ? Masqueraded : ConntrackStates.Established;
                LegRequest Later(bool unreplied) => new(new(LegStage.SenderLater, PacketPath.Forward, senderBridge, outOfSender, null, null, false, states, unreplied), sources, destinations);
                var seen = ReplySight.Sender(sender, way, back(masqueraded));
                if (seen != false) yield return (masqueraded ? LegKey.SenderLaterMasqueraded : LegKey.SenderLater, Later(false));
                if (seen != true)
                    yield return (seen is null ? masqueraded ? LegKey.SenderLaterUnrepliedMasqueraded : LegKey.SenderLaterUnreplied
                        : masqueraded ? LegKey.SenderLaterMasqueraded : LegKey.SenderLater, Later(true));
            }

        if (host == receiver.Name)
        {
            yield return (LegKey.ReceiverLater, new(new(LegStage.ReceiverLater, PacketPath.Forward, way.PeerInDevice, receiverBridge, null, null, false, ConntrackStates.Established), sources, destinations));
            if (way.MasqueradeSource is { } source)
                yield return (LegKey.ReceiverLaterMasqueraded,
                    new(new(LegStage.ReceiverLater, PacketPath.Forward, way.PeerInDevice, receiverBridge, null, null, false, ConntrackStates.Established), IntervalSet.Single(source), destinations));
        }

        foreach (var masqueraded in way.MasqueradeSource is null ? [false] : new[] { false, true })
        {
            if (back(masqueraded) is not { Reaches: true, OutDevice: { } outDevice, PeerInDevice: { } inDevice } replies) continue;
            var to = masqueraded ? IntervalSet.Single(way.MasqueradeSource!.Value) : sources;
            if (host == receiver.Name)
            {
                yield return (masqueraded ? LegKey.ReceiverReplyMasqueraded : LegKey.ReceiverReply,
                    new(new(LegStage.ReceiverReply, PacketPath.Forward, receiverBridge, outDevice, null, null, false, ConntrackStates.Established), destinations, to));
                if (replies.Outer is { } outer)
                    yield return (masqueraded ? LegKey.ReceiverReplyOutputMasqueraded : LegKey.ReceiverReplyOutput,
                        new(new(LegStage.ReceiverReplyOutput, PacketPath.Output, null, outer.Device, outer.Protocol, outer.Port, false, outer.State),
                            IntervalSet.Single(outer.Source), IntervalSet.Single(outer.Destination)));
            }

            if (host == sender.Name)
            {
                if (replies.Outer is { } outer)
                    yield return (masqueraded ? LegKey.SenderReplyInputMasqueraded : LegKey.SenderReplyInput,
                        new(new(LegStage.SenderReplyInput, PacketPath.Input, sender.InterfaceOf(outer.Destination), null, outer.Protocol, outer.Port, false, outer.State),
                            IntervalSet.Single(outer.Source), IntervalSet.Single(outer.Destination)));
                // Replies switched into the sender's bridge past its iptables meet none of its rules.
                if (ReplySight.Sender(sender, way, replies) == false) continue;
                yield return (masqueraded ? LegKey.SenderReplyMasqueraded : LegKey.SenderReply,
                    new(new(LegStage.SenderReply, PacketPath.Forward, inDevice, senderBridge, null, null, false, masqueraded ? Masqueraded : ConntrackStates.Established), destinations, sources));
            }
        }
    }

    /// <summary>
    /// A masqueraded connection's packets after its first on the sender, whose MASQUERADE marked it
    /// (conntrack's virtual state SNAT, oracle F45): its later packets out and its replies in meet a
    /// <c>--ctstate SNAT</c> or <c>ct status snat</c> rule there. The receiver's connection is not NATed.
    /// </summary>
    private const ConntrackStates Masqueraded = ConntrackStates.Established | ConntrackStates.Snat;

    /// <summary>A cell's reply legs on one host, its ways back as the cell found them.</summary>
    public static IEnumerable<(LegKey Key, LegRequest Request)> Of(CellSpec cell, string host) =>
        Of(cell.Sender, cell.Receiver, cell.SenderBridge, cell.ReceiverBridge, cell.Sources, cell.Destinations, cell.Way,
            masqueraded => masqueraded ? cell.MasqueradedReplyWay : cell.ReplyWay, host);
}
