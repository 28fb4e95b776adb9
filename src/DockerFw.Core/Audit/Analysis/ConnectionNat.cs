using System.Runtime.CompilerServices;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// conntrack's virtual states SNAT and DNAT of a connection (oracle F45): xt_conntrack's
/// <c>conntrack_mt_state</c> adds them from the entry's status bits (IPS_SRC_NAT, IPS_DST_NAT), which
/// nat set on the first packet when it changed the tuple, and tests them whatever the packet's
/// direction; nft's <c>ct status snat/dnat</c> reads the same bits. So every reply and every later
/// packet of a NATed connection carries them, and a <c>--ctstate DNAT</c> or <c>--ctstate SNAT</c> rule
/// in FORWARD meets them. Read from the way the opening took, as the symbolic walk marks its flows
/// (<c>SymbolicWalk.Apply</c>: a DNAT or REDIRECT that moved the destination the DNAT bit, a SNAT or
/// MASQUERADE the SNAT bit).
/// </summary>
public static class ConnectionNat
{
    private const ConntrackStates Virtual = ConntrackStates.Snat | ConntrackStates.Dnat;

    /// <summary>Every combination of the virtual states a connection may have, none first.</summary>
    public static readonly ConntrackStates[] Every = [ConntrackStates.None, ConntrackStates.Snat, ConntrackStates.Dnat, Virtual];

    /// <summary>
    /// The virtual states of the connections a region's openings make: those the walk's NAT gave them
    /// (<see cref="ReachRegion.Nat"/>), kept by a verdict-only walk too, whose regions list no rules (they
    /// were read from the rules listed, so icc's own bridge, walked for verdicts alone, read as not NATed).
    /// A DNAT to where the packet already goes binds without the bit, as in the kernel.
    /// </summary>
    /// UNTRACKED comes with them where raw took the openings out of conntrack (oracle F61, <see cref="Untracking"/>):
    /// such a connection has no entry, and its answers are new packets (<see cref="Replies"/>).
    public static ConntrackStates Of(ReachRegion region) => region.Nat & (Virtual | ConntrackStates.Untracked);

    /// <summary>
    /// Openings cut by their connections' virtual states, from one walk with the rules recorded (a
    /// request the filter drops reads as not NATed: it opens no connection). Where no rule tests the
    /// virtual states no walk is made: every reply and later packet then meets the same rules whatever
    /// its connection's NAT, and each opening is given as not NATed.
    /// </summary>
    public static List<(Box Box, ConntrackStates Nat)> Cut(PacketSet openings, SymbolicPasses passes)
    {
        if (openings.IsEmpty) return [];
        if (!Tested(passes.Rules)) return [.. openings.Boxes.Select(b => (b, ConntrackStates.None))];
        return [.. SymbolicEngine.Reach(passes.Rules, Semantics.PacketPath.Forward, openings).Regions
            .SelectMany(r => r.Packets.Boxes.Select(b => (b, r.Verdict is ReachVerdict.Drop or ReachVerdict.Reject ? ConntrackStates.None : Of(r))))];
    }

    /// <summary>
    /// Whether some rule tests a connection's virtual states (<c>--ctstate SNAT/DNAT</c>, negated or not,
    /// or nft's <c>ct status</c>), or takes packets out of conntrack (a NOTRACK: the answers of those
    /// connections are no replies, <see cref="Untracking"/>).
    /// </summary>
    public static bool Tested(SymbolicRuleset rules) => Testing.GetValue(rules.Source, source => new StrongBox<bool>(Scan(source))).Value;

    private static readonly ConditionalWeakTable<Model.Ruleset, StrongBox<bool>> Testing = new();

    private static bool Scan(Model.Ruleset ruleset) =>
        ruleset.Tables.SelectMany(t => t.Chains).SelectMany(c => c.Rules).Any(r => (r.Target is { } target && Untracking.Untracks(target)) || r.Matches.Any(m => m switch
        {
            Model.Matches.ConntrackStateMatch cs => (cs.States & Virtual) != 0,
            Model.Matches.ModuleOptionMatch { Module: "conntrack", Name: "--ctstatus" } => true,
            _ => false,
        }));

    /// <summary>
    /// A reply the rules accept in its connection's virtual states, given as ESTABLISHED alone, the
    /// state <see cref="ReplyFate.Mirror"/> asks it in: only for a list of the accepted replies of
    /// openings whose states are known, so that <see cref="ReplyFate.Split"/> finds them.
    /// </summary>
    public static Box AsMirrored(Box acceptedReply) => acceptedReply.With(Dimension.State, IntervalSet.Single((UInt128)(int)ConntrackStates.Established));

    /// <summary>
    /// The replies of a connection, mirrored (<see cref="ReplyFate.Mirror"/>): ESTABLISHED with its
    /// virtual states, or, where raw untracked its opening, the answers conntrack meets as new packets
    /// (<see cref="Untracking.Answers"/>).
    /// </summary>
    public static IEnumerable<Box> Replies(Box mirror, ConntrackStates nat) =>
        (nat & ConntrackStates.Untracked) != 0 ? Untracking.Answers(mirror) : [Established(mirror, nat)];

    /// <summary>A box of a connection's packets after its first: ESTABLISHED with the connection's virtual states.</summary>
    public static Box Established(Box box, ConntrackStates nat) =>
        box.With(Dimension.State, IntervalSet.Single((UInt128)(int)(ConntrackStates.Established | (nat & Virtual))));
}
