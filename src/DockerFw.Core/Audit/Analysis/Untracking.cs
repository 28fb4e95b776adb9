using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// What a NOTRACK (iptables' <c>-j CT --notrack</c> or <c>-j NOTRACK</c> in raw, nft's <c>notrack</c>
/// before conntrack) does to a connection, beyond the UNTRACKED state later rules see (oracle F61).
/// The packet has no conntrack entry: the nat table is never asked for it (NAT is made per entry), so
/// the NAT questions walk raw before nat; nothing rewrites it on its way back, so a reply (or later
/// packet) of a NATed connection that raw untracks never reaches the other end as that connection's;
/// and the answers to an untracked request are no connection's replies: conntrack meets them first
/// (<see cref="Answers"/>), and what the nat table does to them as a connection of their own takes
/// them from the request's (<see cref="Keeps"/>).
/// </summary>
public static class Untracking
{
    private const ConntrackStates Virtual = ConntrackStates.Snat | ConntrackStates.Dnat;

    /// <summary>The iptables tables that decide a connection's NAT: nat, and raw before it (its NOTRACK keeps packets from nat).</summary>
    public static bool DecidesNat(string table) => table is "nat" or "raw";

    /// <summary>Whether a rule's target takes packets out of conntrack.</summary>
    public static bool Untracks(Target target) => target is ExtensionTarget { ExtensionName: "NOTRACK" }
        || (target is ExtensionTarget { ExtensionName: "CT" } ct && ct.Options.Any(o => o.Name == "--notrack"));

    /// <summary>
    /// The answers to untracked requests, mirrored (<see cref="ReplyFate.Mirror"/>), as conntrack meets
    /// them, with no entry: a TCP answer by its flags as tcp_new reads them from no state (<see
    /// cref="PickedUp"/>): only a SYN without ACK and a bare ACK make an entry (NEW; the ACK because
    /// nf_conntrack_tcp_loose, 1 by default, picks up a connection midstream), the SYN,ACK, a FIN, a RST
    /// and no flag at all are INVALID (seed 5545: the refusals, RSTs, came back by an ACCEPT where the data
    /// answers, NEW, were masqueraded away); an ICMP or ICMPv6 reply (echo reply...) INVALID (no query
    /// seen); every other protocol's NEW. A connection needs its SYN,ACK and its later answers both.
    /// </summary>
    public static IEnumerable<Box> Answers(Box mirror)
    {
        var protocols = mirror[Dimension.Proto];
        var tcp = protocols.Intersect(IntervalSet.Single(Protocol.Tcp));
        var icmp = protocols.Intersect(IntervalSet.Single(Protocol.Icmp).Union(IntervalSet.Single(Protocol.IcmpV6)));
        var rest = protocols.Subtract(tcp).Subtract(icmp);
        if (!tcp.IsEmpty)
        {
            var flags = mirror[Dimension.TcpFlags];
            var (fresh, invalid) = (flags.Intersect(PickedUp), flags.Subtract(PickedUp));
            var box = mirror.With(Dimension.Proto, tcp);
            if (!invalid.IsEmpty) yield return box.With(Dimension.TcpFlags, invalid).With(Dimension.State, State(ConntrackStates.Invalid));
            if (!fresh.IsEmpty) yield return box.With(Dimension.TcpFlags, fresh).With(Dimension.State, State(ConntrackStates.New));
        }

        if (!icmp.IsEmpty) yield return mirror.With(Dimension.Proto, icmp).With(Dimension.State, State(ConntrackStates.Invalid));
        if (!rest.IsEmpty) yield return mirror.With(Dimension.Proto, rest).With(Dimension.State, State(ConntrackStates.New));
    }

    /// <summary>
    /// Whether the accepted packets of a region (replies or later packets of a connection) still belong
    /// to it: not where raw took a NATed connection's packet out of conntrack (nothing undoes or repeats
    /// its NAT: a published port's reply leaves with the container's address, not the one asked), nor,
    /// when they are <paramref name="answers"/> (replies, later packets), where nat rewrote them as a
    /// connection of their own (an untracked request's answers, NEW). An opening NATed is not asked so.
    /// </summary>
    public static bool Keeps(ReachRegion region, bool answers) => !Lost(region, answers).Any();

    /// <summary>
    /// The rule that took a region's packets from their connection (<see cref="Keeps"/>): the NOTRACK, or
    /// the SNAT, MASQUERADE or DNAT that made them a connection of their own; the region's last rule
    /// when neither is listed (a verdict-only walk lists none: the policy of FORWARD stands for it).
    /// </summary>
    internal static Evidence Evidence(ReachRegion region, AuditInputs inputs)
    {
        var untracked = (region.Nat & ConntrackStates.Untracked) != 0 && (region.Nat & Virtual) == 0;
        foreach (var rule in region.Rules.Reverse())
            switch (PortReach.SourceOf(inputs.Ruleset, rule)?.Target)
            {
                case { } t when untracked && Untracks(t):
                    return EvidenceOf.Rule(inputs.Ruleset, rule, "takes the packets of a NATed connection out of conntrack: nothing un-NATs them, the other end does not know them");
                case SnatTarget or MasqueradeTarget or DnatTarget or RedirectTarget when !untracked:
                    return EvidenceOf.Rule(inputs.Ruleset, rule, "NATs the answers to an untracked request as a connection of their own: the requester does not know them");
            }

        return new Evidence("filter", "FORWARD", 0, 0, "policy of filter/FORWARD",
            untracked ? "lets the packets of a NATed connection through untracked: nothing un-NATs them" : "lets the answers to an untracked request through NATed as a connection of their own");
    }

    /// <summary>The packets of a region <see cref="Keeps"/> says are taken from their connection (only those of a NATed connection where raw untracked them).</summary>
    public static IEnumerable<Box> Lost(ReachRegion region, bool answers)
    {
        if (answers && (region.Nat & Virtual) != 0) return region.Packets.Boxes;
        if ((region.Nat & ConntrackStates.Untracked) == 0) return [];
        return region.Packets.Boxes.Select(b => b.With(Dimension.State, b[Dimension.State].Intersect(NatedStates))).Where(b => !b.IsEmpty);
    }

    /// <summary>The packets of a region not <see cref="Lost"/>.</summary>
    public static IEnumerable<Box> Kept(ReachRegion region, bool answers)
    {
        var lost = Lost(region, answers).ToList();
        return lost.Count == 0 ? region.Packets.Boxes : region.Packets.Subtract(lost).Boxes;
    }

    // Every state value of a NATed connection's packets (the SNAT or DNAT bit set), of the 128.
    private static readonly IntervalSet NatedStates = IntervalSet.FromValues(Enumerable.Range(0, 128).Where(s => (s & (int)Virtual) != 0).Select(s => (UInt128)s));

    private static IntervalSet State(ConntrackStates state) => IntervalSet.Single((UInt128)(int)state);

    // SYN is the highest bit of the dimension's encoding (FlagsOrder): the values with it set are one interval.
    /// <summary>
    /// The TCP flags from which conntrack makes an entry for a packet it has none for: nf_conntrack_proto_tcp's
    /// tcp_conntrack_states[0][index][sNO], the index by get_conntrack_index (RST first, then SYN with or
    /// without ACK, then FIN, then ACK): SYN -> sSS, ACK -> sES (loose pickup); SYN,ACK, FIN, RST and none -> sIV.
    /// </summary>
    public static IntervalSet PickedUp { get; } = FlagsOrder.Of(Enumerable.Range(0, 256).Where(header =>
    {
        bool Has(TcpFlags f) => (header & (int)f) != 0;
        if (Has(TcpFlags.Rst)) return false;
        if (Has(TcpFlags.Syn)) return !Has(TcpFlags.Ack);
        return !Has(TcpFlags.Fin) && Has(TcpFlags.Ack);
    }));
}
