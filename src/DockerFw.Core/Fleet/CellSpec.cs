using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>Whether a cell is a network-to-network (host-by-host) one or a container-to-container one.</summary>
public enum CellKind
{
    Network,
    Container,
}

/// <summary>
/// One cell of the fleet matrix before any rule is judged: packets that open a connection (<see cref="LegPackets"/>) from a set of sources on a
/// bridge of one host to a set of destinations on a bridge of another, and the way the sender's
/// routes send them.
/// </summary>
/// <param name="Sources">The sender's container addresses (a subnet but its gateway, or one container).</param>
public sealed record CellSpec(
    CellKind Kind,
    string From,
    string To,
    HostSummary Sender,
    HostSummary Receiver,
    string SenderBridge,
    string ReceiverBridge,
    IntervalSet Sources,
    IntervalSet Destinations,
    UnderlayWay Way)
{
    /// <summary>The sender's network's addresses as a remedy names them (<see cref="FleetNetwork.Block"/>), where <see cref="Sources"/> may be its containers alone.</summary>
    public required AddressMask SourceBlock { get; init; }

    /// <summary>The receiver's network's addresses as a remedy names them (<see cref="FleetNetwork.Block"/>).</summary>
    public required AddressMask DestinationBlock { get; init; }

    private UnderlayWay? _replyWay;
    private (UnderlayWay? Way, bool Found) _masqueradedReplyWay;

    /// <summary>
    /// The receiver's way back for its replies, to the source it sees: the sender's container
    /// (<see cref="ReplyWay"/>) or, where the sender masqueraded, the sender's own address. Found when
    /// first asked: only a cell whose packets reach the receiver asks.
    /// </summary>
    public UnderlayWay ReplyWay => _replyWay ??= UnderlayWay.Find(Receiver, Sender, Sources.Min, Owner);

    /// <summary>The fleet's host owning an address (<see cref="UnderlayWay.Find"/>: a third host a way leads to); null: not known.</summary>
    public Func<UInt128, string?>? Owner { get; init; }

    public UnderlayWay? MasqueradedReplyWay
    {
        get
        {
            if (!_masqueradedReplyWay.Found)
                _masqueradedReplyWay = (Way.MasqueradeSource is { } masqueraded ? UnderlayWay.Find(Receiver, Sender, masqueraded, Owner) : null, true);
            return _masqueradedReplyWay.Way;
        }
    }

    /// <summary>Every packet of the cell, in neutral terms.</summary>
    public PacketSet Universe => Neutral.Between(Sources, Destinations);
}
