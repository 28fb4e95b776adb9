using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>Whether a cell is a network-to-network (host-by-host) one or a container-to-container one.</summary>
public enum CellKind
{
    Network,
    Container,
}

/// <summary>
/// One cell of the fleet matrix before any rule is judged: NEW packets from a set of sources on a
/// bridge of one host to a set of destinations on a bridge of another, and the way the sender's
/// routes send them.
/// </summary>
/// <param name="Sources">The sender's container addresses (a subnet but its gateway, or one container).</param>
public sealed record CellSpec(
    int Index,
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
    /// <summary>
    /// The receiver's way back for its replies, to the source it sees: the sender's container
    /// (<see cref="ReplyWay"/>) or, where the sender masqueraded, the sender's own address.
    /// </summary>
    public UnderlayWay ReplyWay { get; init; } = Way;

    public UnderlayWay? MasqueradedReplyWay { get; init; }

    /// <summary>Every packet of the cell, in neutral terms.</summary>
    public PacketSet Universe => Neutral.Between(Sources, Destinations);
}
