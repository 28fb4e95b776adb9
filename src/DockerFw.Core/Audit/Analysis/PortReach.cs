using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Every new connection from outside to one published port, followed by the symbolic engine through
/// every table: from any client in on any interface that is no bridge and not loopback
/// (<see cref="OutsideInterfaces"/>: oracle F41, a rule naming the host's uplink is judged; the answer
/// is exact per input interface), from any address but the containers', any source port, to
/// the host address the port is bound to (for <c>0.0.0.0</c> or <c>::</c>, every address the host
/// may have: <see cref="HostModel.LocalAddresses"/>). Conntrack's original destination is the packet as it arrived, so <c>--ctorigdst</c>
/// and <c>--ctorigdstport</c> restrictions are decided exactly. <see cref="Reached"/> are the packets
/// NATed to the container's address and port and accepted. The filter is judged over the packets
/// NATed there (<see cref="Judged"/>); when none is (a loopback port behind Docker 28's raw drop, a
/// missing or stale DNAT), over the same connections as the DNAT would send them to the container port.
/// The connections dropped before the DNAT are judged with the NATed ones (<see cref="BeforeDnat"/>).
/// </summary>
public sealed record PortReach(
    PacketSet Reached,
    PacketSet ReachedMaybe,
    PacketSet Judged,
    PacketSet Passed,
    PacketSet PassedMaybe,
    ImmutableArray<ReachRegion> Regions,
    ImmutableArray<ReachRegion> Blocking)
{
    /// <summary>Whether the nat table sends some of the connections to the container's address and port.</summary>
    public bool Nated { get; init; }

    /// <summary>
    /// Whether the port's connections are NATed to its container (oracle F59): all (Allowed), none (Denied: an
    /// admin's nat RETURN, a REDIRECT or another DNAT takes them first, or no DNAT is there), or some (Partial,
    /// <see cref="NotNated"/> says which), over the connections that reach the nat table (those dropped
    /// before it, F42, are kept out, not left un-NATed).
    /// </summary>
    public ReachabilityVerdict NatedShare { get; init; } = ReachabilityVerdict.Allowed;

    /// <summary>The connections that reach the nat table and are not NATed to the container.</summary>
    public PacketSet NotNated { get; init; } = PacketSet.Empty;

    /// <summary>Every connection asked about: the port's, as they arrive.</summary>
    public PacketSet Arriving { get; init; } = PacketSet.Empty;

    /// <summary>The rules that take the connections not NATed first (a nat RETURN, a REDIRECT, another DNAT); empty where no rule does (no DNAT).</summary>
    public ImmutableArray<ResponsibleRule> TakenBy { get; init; } = [];

    /// <summary>Whether the filter lets the NATed connections in: all, none, partial (null: unknown).</summary>
    public ReachabilityVerdict? Filter =>
        Judged.IsEmpty ? null
        : Passed.SameAs(Judged) ? ReachabilityVerdict.Allowed
        : Passed.IsEmpty && PassedMaybe.IsEmpty ? ReachabilityVerdict.Denied
        : Passed.IsEmpty && PassedMaybe.SameAs(Judged) ? null
        // Some surely pass and the rest only may (a recent list, a rate): nothing is known to be kept out (oracle F58).
        : !PassedMaybe.IsEmpty && Passed.Union(PassedMaybe).SameAs(Judged) ? null
        : ReachabilityVerdict.Partial;

    /// <summary>Some new connection from outside reaches the container port (null: only may).</summary>
    public bool? Reachable => !Reached.IsEmpty ? true : ReachedMaybe.IsEmpty ? false : null;

    public static PortReach Of(AuditInputs inputs, SymbolicPasses passes, AuditedNetwork network, UInt128 container, int containerPort,
        IntervalSet hosts, int protocol, int hostPort)
    {
        var space = passes.Space;
        var outside = inputs.Networks.Where(n => n.Subnet is not null)
            .Aggregate(IntervalSet.Empty, (s, n) => s.Union(IntervalSet.Range(n.Subnet!.Bounds.First, n.Subnet.Bounds.Last)))
            .Complement(space.MaxOf(Dimension.Src));
        var query = new ReachQuery(PacketPath.Forward)
        {
            Out = new InterfacePattern(network.Bridge),
            Protocol = Protocol.FromNumber(protocol),
            State = ConntrackStates.New,
            Opening = true,
        }.ToPacketSet(space).Intersect(passes.Whole().With(Dimension.Src, outside).With(Dimension.In, OutsideInterfaces.Of(space, inputs)));
        var arriving = query.Intersect(passes.Whole().With(Dimension.Dst, hosts).With(Dimension.Dport, IntervalSet.Single((UInt128)hostPort)));
        var result = SymbolicEngine.Reach(passes.Rules, PacketPath.Forward, arriving);
        var nated = result.Regions.Where(r => DnatsTo(r, inputs.Ruleset, container, containerPort)).ToImmutableArray();
        var (reached, maybe) = Split(nated);
        if (!nated.IsEmpty)
        {
            // Oracle F42: the connections dropped before the DNAT (raw, mangle or an nft prerouting chain
            // on the way in) are the port's too, kept out as surely as by a filter drop after it.
            var priority = BeforeDnat.DnatPriority(nated[0], inputs.Ruleset, r => IsDnatTo(r, container, containerPort));
            var early = BeforeDnat.Dropped(result.Regions.Where(r => !nated.Contains(r)), inputs.Ruleset, priority, space, loopback: true);
            var (rest, takers) = TakenAway(result.Regions, nated, early.Packets, inputs.Ruleset);
            return new PortReach(reached, maybe, Union(nated).Union(early.Packets), reached, maybe, result.Regions, [.. early.Regions, .. nated.Where(Blocks)])
            {
                Nated = true, Arriving = arriving, NotNated = rest, TakenBy = takers,
                NatedShare = rest.IsEmpty ? ReachabilityVerdict.Allowed : ReachabilityVerdict.Partial,
            };
        }

        // Nothing NATed there: the connections as the DNAT would leave them, from where routing leaves
        // them, kept as they arrived: conntrack's original tuple is the host's address and port (a
        // --ctorigdstport of the host port meets them), never the container's they are rewritten to.
        var filter = SymbolicEngine.ReachAfterDnat(passes.Rules, arriving, container, containerPort).Regions;
        var (passed, passedMaybe) = Split(filter);
        // The clients dropped before any DNAT could rewrite them (F42) pass no filter after it; but for a
        // port bound to loopback, kept from the network on purpose (Docker 28's raw drop).
        var dropped = BeforeDnat.Dropped(result.Regions, inputs.Ruleset, BeforeDnat.Dstnat, space, loopback: !hosts.IsSubsetOf(IntervalSet.Loopback(space.Family)));
        (passed, passedMaybe) = (passed.Subtract(dropped.Packets), passedMaybe.Subtract(dropped.Packets));
        // A DNAT nft lists without its destination (iptables-nft's xt target) may be this one: the
        // connections whose way it leaves undecided may reach the container where the filter lets them in.
        var unlisted = Union(result.Regions.Where(r => r.Verdict == ReachVerdict.Maybe && r.Rules.Any(x => SourceOf(inputs.Ruleset, x)?.IsListedWithoutOptions("DNAT") == true)));
        var (notNated, taken) = TakenAway(result.Regions, [], dropped.Packets, inputs.Ruleset);
        return new PortReach(PacketSet.Empty, unlisted.Intersect(passed.Union(passedMaybe)), arriving, passed, passedMaybe, result.Regions,
            [.. dropped.Regions, .. filter.Where(Blocks)])
        {
            Arriving = arriving, NotNated = notNated, TakenBy = taken,
            // None taken by a rule (dropped before the nat table, as Docker 28's raw drop of a loopback port, or no
            // DNAT at all): the port's answer is the DNAT's packets', as before; some taken, none NATed: not NATed.
            NatedShare = notNated.IsEmpty ? ReachabilityVerdict.Allowed : ReachabilityVerdict.Denied,
        };
    }


    /// <summary>
    /// The connections a rule takes before Docker's DNAT could send them to the container (oracle F59), with those
    /// rules: on each region's way that is not NATed there, the first rule of a nat table that is no jump, or one
    /// that NATs (REDIRECT, a DNAT elsewhere), or a raw CT. A way no such rule is on (dropped before the nat
    /// table, a martian the kernel drops, no DNAT at all) is no connection taken away.
    /// </summary>
    private static (PacketSet Packets, ImmutableArray<ResponsibleRule> Rules) TakenAway(ImmutableArray<ReachRegion> regions, ImmutableArray<ReachRegion> nated,
        PacketSet droppedBefore, Ruleset ruleset)
    {
        var taken = regions.Where(r => !nated.Contains(r))
            .Select(r => (Packets: r.Packets.Subtract(droppedBefore), Rule: r.Rules.FirstOrDefault(rule => SourceOf(ruleset, rule)?.Target is { } t && t is not JumpTarget
                && (rule.Table.EndsWith("nat", StringComparison.Ordinal) || t is DnatTarget or RedirectTarget
                    || (rule.Table.EndsWith("raw", StringComparison.Ordinal) && t is ExtensionTarget { ExtensionName: "CT" or "NOTRACK" })))))
            .Where(x => x.Rule is not null && !x.Packets.IsEmpty).ToList();
        return (taken.Aggregate(PacketSet.Empty, (s, x) => s.Union(x.Packets)), [.. taken.Select(x => x.Rule!).Distinct()]);
    }

    private static bool Blocks(ReachRegion r) => r.Verdict is ReachVerdict.Drop or ReachVerdict.Reject;

    private static PacketSet Union(IEnumerable<ReachRegion> regions) => regions.Aggregate(PacketSet.Empty, (s, r) => s.Union(r.Packets));

    private static (PacketSet Accepted, PacketSet Maybe) Split(IEnumerable<ReachRegion> regions) =>
        (Union(regions.Where(r => r.Verdict == ReachVerdict.Accept)), Union(regions.Where(r => r.Verdict == ReachVerdict.Maybe)));

    /// <summary>Whether the region's way went through a DNAT to the container's address and port (any port when the DNAT keeps it).</summary>
    public static bool DnatsTo(ReachRegion region, Ruleset ruleset, UInt128 container, int port) =>
        region.Rules.Any(r => SourceOf(ruleset, r) is { } rule && IsDnatTo(rule, container, port));

    /// <summary>Whether some DNAT of the ruleset sends traffic to the container's address and port: the endpoint Docker publishes through.</summary>
    public static bool DnatNames(Ruleset ruleset, UInt128 container, int port) =>
        ruleset.Tables.SelectMany(t => t.Rules).Any(r => IsDnatTo(r, container, port));

    private static bool IsDnatTo(Rule rule, UInt128 container, int port) =>
        rule.Target is DnatTarget { To: { First: { } first } to }
        && first <= container && container <= (to.Last ?? first)
        && (to.Ports is null || (to.Ports.First <= port && port <= to.Ports.Last));

    /// <summary>The rule a responsible rule stands for, in iptables' tables or a native one (<c>"inet name"</c>).</summary>
    public static Rule? SourceOf(Ruleset ruleset, ResponsibleRule rule) => ruleset.RuleAt(rule.Table, rule.Chain, rule.Number);
}
