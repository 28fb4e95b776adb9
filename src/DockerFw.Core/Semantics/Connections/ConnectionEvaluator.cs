using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Connections;

/// <summary>
/// Connection semantics: "A can reach B" means the first packet (NEW, A to B) is accepted and so
/// are B's replies (ESTABLISHED, B to A), which conntrack un-NATs on their way back: a reply to a
/// DNATed connection leaves the real server and gets the published address as its source again; and
/// so are A's later packets (ESTABLISHED, A to B, NATed as the first was: oracle F38), or no data follows.
/// </summary>
public static class ConnectionEvaluator
{
    public static ConnectionResult Evaluate(Ruleset ruleset, Packet first, PacketPath path, EvaluationContext? context = null)
    {
        var request = PacketTracer.Trace(ruleset, first with { State = ConntrackStates.New }, path, context);
        var outcomes = new List<ConnectionOutcome>();
        foreach (var sent in request.Outcomes)
        {
            if (sent.Verdict != PacketVerdict.Accept)
            {
                outcomes.Add(new ConnectionOutcome(Reachability.Blocked, sent, null));
                continue;
            }

            var reply = PacketTracer.Trace(ruleset, ReplyTo(first, sent.Packet), ReplyPath(path), context);
            foreach (var back in reply.Outcomes)
            {
                if (back.Verdict != PacketVerdict.Accept)
                {
                    outcomes.Add(new ConnectionOutcome(Reachability.OneWay, sent, back));
                    continue;
                }

                foreach (var later in PacketTracer.Trace(ruleset, LaterOf(first, sent.Packet), path, context).Outcomes)
                    outcomes.Add(new ConnectionOutcome(later.Verdict == PacketVerdict.Accept ? Reachability.Reachable : Reachability.OpeningOnly, sent, back) { Later = later });
            }
        }

        return new ConnectionResult(request, [.. outcomes]);
    }

    /// <summary>The way back: forwarded replies are forwarded; a local service answers from OUTPUT, and the other way round.</summary>
    public static PacketPath ReplyPath(PacketPath path) => path switch
    {
        PacketPath.Input => PacketPath.Output,
        PacketPath.Output => PacketPath.Input,
        _ => PacketPath.Forward,
    };

    /// <summary>
    /// The reply as it arrives: from the address the first packet reached (after DNAT) to the
    /// address it came from (after SNAT), with conntrack's binding that undoes both on the way.
    /// </summary>
    public static Packet ReplyTo(Packet first, Packet left)
    {
        var unknown = left.UnknownFields;
        var path = (In: first.OutInterface, Out: first.InInterface);
        var sourceChanged = left.Source != first.Source || unknown.HasFlag(PacketFields.Source)
            || left.SourcePort != first.SourcePort || unknown.HasFlag(PacketFields.SourcePort);
        var destinationChanged = left.Destination != first.Destination || unknown.HasFlag(PacketFields.Destination)
            || left.DestinationPort != first.DestinationPort || unknown.HasFlag(PacketFields.DestinationPort);
        return new Packet(
            first.Family,
            left.Destination,
            left.Source,
            first.Protocol,
            left.DestinationPort,
            left.SourcePort,
            ReplyIcmpType(first),
            first.IcmpType is null ? null : 0,
            path.In,
            path.Out,
            ConntrackStates.Established | (left.State & (ConntrackStates.Snat | ConntrackStates.Dnat)),
            Mark: 0,
            ConnMark: left.ConnMark,
            TcpFlags: first.Protocol == Protocol.Tcp ? (first.TcpFlags.HasFlag(TcpFlags.Syn) ? TcpFlags.Syn | TcpFlags.Ack : TcpFlags.Ack) : TcpFlags.None,
            PhysIn: first.PhysOut,
            PhysOut: first.PhysIn)
        {
            IsReply = true,
            UnknownFields = Swap(unknown),
            ConntrackNat = new ConntrackNat(
                Destination: sourceChanged ? first.Source : null,
                DestinationPort: sourceChanged ? first.SourcePort : null,
                Source: destinationChanged ? first.Destination : null,
                SourcePort: destinationChanged ? first.DestinationPort : null),
        };
    }

    /// <summary>
    /// A later packet of the request as it arrives: the first packet's addresses and ports, ESTABLISHED
    /// (with the NAT states the first got), TCP with ACK, rewritten by conntrack's binding as the first
    /// was by nat (the destination at the DNAT point, the source at the SNAT point), nat not asked again.
    /// </summary>
    public static Packet LaterOf(Packet first, Packet left)
    {
        var unknown = left.UnknownFields;
        var sourceChanged = left.Source != first.Source || unknown.HasFlag(PacketFields.Source)
            || left.SourcePort != first.SourcePort || unknown.HasFlag(PacketFields.SourcePort);
        var destinationChanged = left.Destination != first.Destination || unknown.HasFlag(PacketFields.Destination)
            || left.DestinationPort != first.DestinationPort || unknown.HasFlag(PacketFields.DestinationPort);
        return first with
        {
            State = ConntrackStates.Established | (left.State & (ConntrackStates.Snat | ConntrackStates.Dnat)),
            TcpFlags = first.Protocol == Protocol.Tcp ? TcpFlags.Ack : TcpFlags.None,
            UnknownFields = unknown & ~PacketFields.Mark,
            ConntrackNat = new ConntrackNat(
                Destination: destinationChanged ? left.Destination : null,
                DestinationPort: destinationChanged ? left.DestinationPort : null,
                Source: sourceChanged ? left.Source : null,
                SourcePort: sourceChanged ? left.SourcePort : null),
        };
    }

    // The query's reply type (IcmpStates: ICMPv6's node information query 139 is answered by 140 too);
    // a type that opens nothing has no reply, whose type is then unknown.
    private static int? ReplyIcmpType(Packet first) =>
        first.IcmpType is { } type ? Symbolic.IcmpStates.ReplyOf(first.Family, type) : null;

    private static PacketFields Swap(PacketFields f)
    {
        var swapped = f & (PacketFields.Mark | PacketFields.ConnMark);
        if (f.HasFlag(PacketFields.Source)) swapped |= PacketFields.Destination;
        if (f.HasFlag(PacketFields.Destination)) swapped |= PacketFields.Source;
        if (f.HasFlag(PacketFields.SourcePort)) swapped |= PacketFields.DestinationPort;
        if (f.HasFlag(PacketFields.DestinationPort)) swapped |= PacketFields.SourcePort;
        return swapped & ~PacketFields.Mark;
    }
}
