using System.Collections.Immutable;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>Where on a cell's way a host's rules judge the packet.</summary>
public enum LegStage
{
    /// <summary>The sender's FORWARD and POSTROUTING, container to the way out.</summary>
    SenderForward,

    /// <summary>The sender's OUTPUT and POSTROUTING, for the tunnel's outer packet.</summary>
    SenderOutput,

    /// <summary>The receiver's PREROUTING and INPUT, for the tunnel's outer packet.</summary>
    ReceiverInput,

    /// <summary>The receiver's PREROUTING, FORWARD and POSTROUTING, from the way in to its container.</summary>
    ReceiverForward,

    /// <summary>The receiver's FORWARD for its container's replies, from its bridge to the way back.</summary>
    ReceiverReply,

    /// <summary>The receiver's OUTPUT and POSTROUTING for the replies: a tunnel's outer packets back, a peer port's answers.</summary>
    ReceiverReplyOutput,

    /// <summary>The sender's PREROUTING and INPUT for the replies: a tunnel's outer packets back, a peer port's answers.</summary>
    SenderReplyInput,

    /// <summary>The sender's FORWARD for the requests' later packets (ESTABLISHED: the handshake's ACK, the data), container to the way out.</summary>
    SenderLater,

    /// <summary>The receiver's FORWARD for the requests' later packets, from the way in to its container.</summary>
    ReceiverLater,

    /// <summary>The sender's FORWARD for the replies, from the way back to its container's bridge.</summary>
    SenderReply,
}

/// <summary>
/// Packets of one leg that meet one fate on one host: the verdict, the packets in host-neutral terms
/// (<see cref="Neutral"/>), the rule that decided it, the NAT rule that rewrote their source, and
/// why the rules cannot decide when the verdict is MAYBE.
/// </summary>
public sealed record LegPiece(ReachVerdict Verdict, PacketSet Packets, string? Rule, string? Nat, string? Doubt)
{
    /// <summary>Where <see cref="Rule"/> is written; null when a chain's policy decided.</summary>
    public ResponsibleRule? At { get; init; }
}

/// <summary>One host's judgement of one leg of a cell: the partition of the leg's packets.</summary>
public sealed record Leg(string Host, LegStage Stage, ImmutableArray<LegPiece> Pieces)
{
    public PacketSet Where(Func<LegPiece, bool> keep) =>
        Pieces.Where(keep).Aggregate(PacketSet.Empty, (s, p) => s.Union(p.Packets));

    public PacketSet Accepted => Where(p => p.Verdict == ReachVerdict.Accept);

    /// <summary>Accepted packets whose source a MASQUERADE or SNAT rewrote.</summary>
    public PacketSet Masqueraded => Where(p => p.Verdict == ReachVerdict.Accept && p.Nat is not null);

    /// <summary>
    /// The fate of packets a leg carries as one (a tunnel's outer packet carries every inner one; a peer
    /// port's packets are one question): null when every piece accepts them, else blocked when every
    /// piece drops or rejects them and uncertain otherwise, with the first piece that does not accept.
    /// </summary>
    public static (CellOutcome Outcome, LegPiece First)? Refusal(IReadOnlyCollection<LegPiece> pieces) =>
        pieces.FirstOrDefault(p => p.Verdict != ReachVerdict.Accept) is not { } first ? null
            : (pieces.All(p => p.Verdict is ReachVerdict.Drop or ReachVerdict.Reject) ? CellOutcome.Blocked : CellOutcome.Uncertain, first);

    public static string StageName(LegStage stage) => stage switch
    {
        LegStage.SenderForward => "forward (sender)",
        LegStage.SenderOutput => "outer packet out (sender)",
        LegStage.ReceiverInput => "outer packet in (receiver)",
        LegStage.ReceiverReply => "replies forward (receiver)",
        LegStage.ReceiverReplyOutput => "replies out (receiver)",
        LegStage.SenderReplyInput => "replies in (sender)",
        LegStage.SenderReply => "replies forward (sender)",
        LegStage.SenderLater => "later packets forward (sender)",
        LegStage.ReceiverLater => "later packets forward (receiver)",
        _ => "forward (receiver)",
    };
}
