using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The fate of neighbour discovery between containers of one bridge: <see cref="Verdict"/> Accept
/// when every packet it needs is accepted, Drop when a step it cannot do without is dropped (the
/// containers never find each other's link), null when the rules cannot tell or only the later steps
/// die. <see cref="Deciding"/> holds the regions of <see cref="Walk"/> that decided a Drop, or that
/// left it open.
/// </summary>
public sealed record NeighbourFate(ReachVerdict? Verdict, ReachResult? Walk, ImmutableArray<ReachRegion> Deciding)
{
    public static NeighbourFate Passes { get; } = new(ReachVerdict.Accept, null, []);

    /// <summary>
    /// Why an undecided fate is so, in a few words: the rules the engine cannot decide for some of the
    /// packets (and why), and those that drop some of them; null when the fate is decided.
    /// </summary>
    public string? Doubt(Ruleset ruleset)
    {
        if (Verdict is not null || Walk is not { } walk) return null;
        static string Named(Evidence e) => e.Rule == 0 ? e.Text : $"{e.Table}/{e.Chain}#{e.Rule}";
        var undecided = Deciding.Where(r => r.Verdict == ReachVerdict.Maybe).SelectMany(r => r.Doubts).Distinct()
            .Select(d => $"{Named(EvidenceOf.Rule(ruleset, d, ""))} cannot be decided for them: {walk.DoubtReasons.GetValueOrDefault(d) ?? "undecidable"}");
        var dropping = Deciding.Where(r => r.Verdict is ReachVerdict.Drop or ReachVerdict.Reject)
            .Select(r => Named(NeighbourDiscoveryGate.Deciding(r, ruleset))).Distinct().Select(rule => $"{rule} drops some of them");
        var words = undecided.Distinct().Concat(dropping).Take(3).ToList();
        return words.Count == 0 ? null : string.Join("; ", words);
    }
}

/// <summary>
/// IPv6 between two containers of one bridge needs neighbour discovery first: a solicitation (ICMPv6
/// 135) to the destination's solicited-node group, an advertisement (136) back. With br_netfilter both
/// are bridged through the forward hook, and conntrack leaves them untracked (no ESTABLISHED rule
/// accepts them). A FORWARD that drops them (ufw's ip6tables rules accept only ICMPv6 types 1-4 and
/// 128-129 there) cuts every IPv6 packet between the containers, whatever the rules say of the
/// packets themselves: every claim that one container reaches another of its bridge over IPv6 (icc,
/// the container matrix, the policy's pair judge, the plan's proof) asks this one gate.
/// IPv4 needs no gate: ARP is no IP packet, br_netfilter hands bridged ARP to arptables at most
/// (bridge-nf-call-arptables), never to iptables, so no rule the audit reads can stop it.
/// </summary>
public static class NeighbourDiscoveryGate
{
    /// <summary>ICMPv6 neighbour solicitation and advertisement, the types neighbour discovery is.</summary>
    public const int Solicitation = 135, Advertisement = 136;

    // ff02::1:ff00:0/104, the solicited-node multicast groups: a solicitation for X goes to the group
    // ending in X's low 24 bits.
    private static readonly UInt128 SolicitedNodeFirst = IpAddressValue.Parse("ff02::1:ff00:0", IpFamily.V6);
    private const int SolicitedNodeBits = 24;

    private const string Role = "drops IPv6 neighbour discovery (ICMPv6 135/136) between containers of the bridge: no IPv6 packet between them is delivered";

    /// <summary>
    /// Icc's question: the fate of neighbour discovery among all of <paramref name="containers"/> on
    /// the bridge (<see cref="Between"/> with the set on both sides): Accept, Drop with the deciding
    /// rules (or FORWARD's policy) as evidence, null when it differs between them or the rules cannot tell.
    /// </summary>
    public static (ReachVerdict? Verdict, ImmutableArray<Evidence> Evidence) Judge(string bridge, IntervalSet containers, SymbolicPasses passes, Ruleset ruleset)
    {
        var fate = Between(bridge, containers, containers, passes.Rules);
        return fate.Verdict == ReachVerdict.Drop
            ? (ReachVerdict.Drop, [.. fate.Deciding.Select(r => Deciding(r, ruleset)).Distinct()])
            : (fate.Verdict, []);
    }

    /// <summary>
    /// Whether <paramref name="from"/> can find <paramref name="to"/>'s link, and be answered, on the
    /// bridge. What the kernel needs, in order:
    /// <list type="number">
    /// <item>the client's solicitation to the server's solicited-node group, and the server's
    /// advertisement back (unicast): without either the client never learns the server's link address
    /// and sends nothing. Every such packet dropped is a Drop.</item>
    /// <item>the reply way: the server answers through the neighbour entry the client's solicitation
    /// left (its source link-layer option makes a STALE entry, RFC 4861 7.2.3), so its first replies go
    /// without a solicitation of its own. But STALE turns to DELAY and then PROBE after 5 s, and only
    /// TCP confirms a neighbour from above: a UDP or ICMP exchange (and any pair once its entries age,
    /// ~30 s) sends unicast solicitations both ways, and a lost entry a multicast one. These dropped,
    /// the pair connects at first and may lose its way later: uncertain (null), not blocked.</item>
    /// </list>
    /// Unsure (a step the rules cannot decide, or decide differently for some of the addresses) is null.
    /// </summary>
    public static NeighbourFate Between(string bridge, IntervalSet from, IntervalSet to, SymbolicRuleset rules)
    {
        var space = rules.Space;
        var on = space.Interfaces.Matching(new InterfacePattern(bridge));
        var icmp = space.Whole()
            .With(Dimension.Proto, IntervalSet.Single((UInt128)Protocol.IcmpV6))
            .With(Dimension.State, IntervalSet.Single((UInt128)(int)ConntrackStates.Untracked))
            .With(Dimension.In, on).With(Dimension.Out, on);
        Box Packet(int type, IntervalSet src, IntervalSet dst) =>
            icmp.With(Dimension.IcmpType, IntervalSet.Single((UInt128)type)).With(Dimension.Src, src).With(Dimension.Dst, dst);

        Box[] finding = [Packet(Solicitation, from, SolicitedNodes(to)), Packet(Advertisement, to, from)];
        Box[] keeping = [Packet(Solicitation, from, to), Packet(Solicitation, to, from.Union(SolicitedNodes(from))), Packet(Advertisement, from, to)];
        var walk = SymbolicEngine.Reach(rules, PacketPath.Forward, new PacketSet([.. finding, .. keeping]));
        List<ReachRegion> RegionsOf(Box box) => [.. walk.Regions.Where(r => !r.Packets.Intersect(box).IsEmpty)];

        foreach (var step in finding)
            if (RegionsOf(step) is { Count: > 0 } regions && regions.All(r => r.Verdict is ReachVerdict.Drop or ReachVerdict.Reject))
                return new NeighbourFate(ReachVerdict.Drop, walk, [.. regions]);
        var open = walk.Regions.Where(r => r.Verdict != ReachVerdict.Accept).ToImmutableArray();
        return open.IsEmpty ? NeighbourFate.Passes with { Walk = walk } : new NeighbourFate(null, walk, open);
    }

    /// <summary>
    /// Whether a server that answers a client on a bridge it shares with it, though the request came
    /// through the host (its reply way, <see cref="ReplyWay"/>: a multi-homed server answers from its
    /// endpoint on the client's network), finds the client's link there. Nothing of the exchange so
    /// far told it the client's link address (the client sent its request to its gateway), so its
    /// first reply waits for a solicitation of its own to the client's solicited-node group and the
    /// client's advertisement back, the steps <see cref="Between"/> asks from the server. The kernel
    /// solicits from the triggering packet's source only when that is an address of the interface
    /// (ndisc_solicit); the reply's source is the server's address on the other network, so the
    /// solicitation comes from its link-local address on the bridge, which Docker does not report:
    /// every address it may be stands for it (<paramref name="servers"/>, by default
    /// <see cref="ContainerLinkLocal.Any"/>; <see cref="NeighbourGates"/> leaves out the host's own),
    /// and rules that tell them apart make the fate unsure. Drop: the server never answers on this way.
    /// </summary>
    public static NeighbourFate Answering(string bridge, IntervalSet clients, SymbolicRuleset rules, IntervalSet? servers = null) =>
        Between(bridge, servers ?? ContainerLinkLocal.Any, clients, rules);

    /// <summary>The solicited-node groups of the addresses (ff02::1:ffXX:XXXX, X their low 24 bits).</summary>
    internal static IntervalSet SolicitedNodes(IntervalSet addresses)
    {
        var low = ((UInt128)1 << SolicitedNodeBits) - 1;
        // Few containers: one group each. A set too large to list (a whole subnet) holds every group.
        if (addresses.Cardinality > 4096) return IntervalSet.Range(SolicitedNodeFirst, SolicitedNodeFirst + low);
        var groups = new List<UInt128>();
        foreach (var (first, last) in addresses.Ranges)
            for (var a = first; a <= last; a++) groups.Add(SolicitedNodeFirst | (a & low));
        return IntervalSet.FromValues(groups);
    }

    /// <summary>The evidence of a dropping region: its rule, or FORWARD's policy when no rule of its own dropped.</summary>
    public static Evidence Deciding(ReachRegion region, Ruleset ruleset) =>
        EvidenceOf.Deciding(region) is { } rule && EvidenceOf.Source(ruleset, rule)?.Target is VerdictTarget { Verdict: Verdict.Drop } or RejectTarget
            ? EvidenceOf.Rule(ruleset, rule, Role)
            : new Evidence("filter", "FORWARD", 0, 0, "policy of filter/FORWARD", Role);
}

/// <summary>
/// The gate asked for many pairs of a bridge's members (the container matrix, the policy's pairs): the
/// members are asked together once, and when every packet among them passes, so does each pair's
/// (its packets are among theirs); only otherwise is each pair walked on its own. No container holds
/// an address the host holds on its bridge (<paramref name="hostOn"/>, <see cref="ContainerLinkLocal.HostOn"/>):
/// those are left out of the members, the clients and the servers' link-local addresses, so that a
/// rule telling the host's own addresses apart (a strict reverse-path check) leaves no gate undecided.
/// </summary>
/// <param name="hostOn">The host's own IPv6 addresses on a bridge; null: none known.</param>
public sealed class NeighbourGates(SymbolicRuleset rules, Func<string, IntervalSet>? hostOn = null)
{
    private readonly Dictionary<string, bool> _allPass = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _allAnswered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IntervalSet> _host = new(StringComparer.Ordinal);

    /// <summary>
    /// <see cref="NeighbourDiscoveryGate.Answering"/> for <paramref name="clients"/> among
    /// <paramref name="members"/> (the client network's addresses on the bridge), asked together first.
    /// </summary>
    public NeighbourFate Answering(string bridge, IntervalSet members, IntervalSet clients)
    {
        var host = HostOn(bridge);
        var servers = ContainerLinkLocal.Any.Subtract(host);
        (members, clients) = (members.Subtract(host), clients.Subtract(host));
        if (clients.IsEmpty) return NeighbourFate.Passes;
        if (!_allAnswered.TryGetValue(bridge, out var all))
            _allAnswered[bridge] = all = NeighbourDiscoveryGate.Answering(bridge, members, rules, servers).Verdict == ReachVerdict.Accept;
        return all ? NeighbourFate.Passes : NeighbourDiscoveryGate.Answering(bridge, clients, rules, servers);
    }

    public NeighbourFate Between(string bridge, IntervalSet members, UInt128 from, UInt128 to)
    {
        if (!_allPass.TryGetValue(bridge, out var all))
        {
            var them = members.Subtract(HostOn(bridge));
            _allPass[bridge] = all = NeighbourDiscoveryGate.Between(bridge, them, them, rules).Verdict == ReachVerdict.Accept;
        }

        return all ? NeighbourFate.Passes : NeighbourDiscoveryGate.Between(bridge, IntervalSet.Single(from), IntervalSet.Single(to), rules);
    }

    private IntervalSet HostOn(string bridge) =>
        _host.TryGetValue(bridge, out var host) ? host : _host[bridge] = hostOn?.Invoke(bridge) ?? IntervalSet.Empty;
}
