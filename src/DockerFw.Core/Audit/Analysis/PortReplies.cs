using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Whether the replies of a published port's connections come back (oracle F35, seed 4234), proven
/// over every connection the filter lets in (<see cref="PortReach.Reached"/>), not one client. The
/// container answers from its address and port to the client's (conntrack undoes the DNAT only in
/// POSTROUTING), ESTABLISHED, in on the bridge of its way back (<see cref="ReplyWay"/>: the bridge the
/// request left by, unless its default route is another network), out to the uplink: a FORWARD rule
/// on the container's source address (<c>-s 172.30.11.2 -j DROP</c>, an ipset of hosts matched
/// <c>src</c>) drops them though every request gets in. Exact per client address and source port: a
/// reply's destination is the client, its destination port the client's source port. Only replies
/// the rules surely drop are called dropped (<see cref="Dropped"/>). Of the connections whose replies
/// come back, those whose later packets the rules drop on their way in (oracle F38, <see cref="LaterDying"/>)
/// carry no data either.
/// </summary>
public sealed record PortReplies(PacketSet Returning, PacketSet Dying, ImmutableArray<Evidence> Evidence)
{
    public static readonly PortReplies None = new(PacketSet.Empty, PacketSet.Empty, []);

    /// <summary>Some connection gets in and not one gets its replies back: the port answers no one.</summary>
    public bool AllDie => !Dying.IsEmpty && Returning.IsEmpty;

    /// <summary>
    /// The connections, as they arrived, whose replies come back but whose later packets (the
    /// handshake's ACK, the data: ESTABLISHED, the request's way) the filter drops (oracle F38).
    /// </summary>
    public PacketSet LaterDying { get; init; } = PacketSet.Empty;

    /// <summary>The rules that drop the later packets.</summary>
    public ImmutableArray<Evidence> LaterEvidence { get; init; } = [];

    /// <summary>Every connection whose replies come back has its later packets dropped: none carries data.</summary>
    public bool AllLaterDie => !LaterDying.IsEmpty && Returning.Subtract(LaterDying).IsEmpty;

    /// <param name="reach">The port's connections from outside, as they arrived (host address and port).</param>
    /// <param name="address">The container's address the DNAT sends them to.</param>
    /// <param name="port">The container port.</param>
    public static PortReplies Of(PortReach reach, DockerContainer container, AuditedNetwork network, UInt128 address, int port,
        SymbolicPasses passes, AuditInputs inputs)
    {
        // A client on the uplink never has a loopback source (the kernel drops it as martian on any
        // other interface): Docker 28's raw drop of `-d 127.0.0.1 --dport 9090` would otherwise "drop
        // the replies" to such a client whose source port is 9090.
        var arrived = reach.Reached.Subtract(passes.Whole().With(Dimension.Src, Loopback(inputs.Family)));
        if (arrived.IsEmpty) return None;
        var way = inputs.ViewInferred ? null : ReplyWay.Of(container, network, network, HostModel.RemoteClientOf(inputs.Family), inputs);
        // No route back to a client outside: the replies never leave the container.
        if (way is { Returns: false })
            return new(PacketSet.Empty, arrived, []);
        var replyIn = way?.In(passes.Space);
        var replies = new PacketSet([.. arrived.Boxes.Select(b => ReplyFate.Mirror(b
            .With(Dimension.Dst, IntervalSet.Single(address))
            .With(Dimension.Dport, IntervalSet.Single((UInt128)port)), replyIn))]);
        var (dead, evidence) = Dropped(replies, passes, inputs);
        if (dead.IsEmpty) return Later(new(arrived, PacketSet.Empty, []), address, port, passes, inputs);
        // Back to the connections as they arrived: a dead reply names its client and the client's source port.
        var dying = new PacketSet([.. arrived.Boxes.SelectMany(a => dead.Boxes.Select(d => a
                .With(Dimension.Src, a[Dimension.Src].Intersect(d[Dimension.Dst]))
                .With(Dimension.Sport, a[Dimension.Sport].Intersect(d[Dimension.Dport]))
                .With(Dimension.Proto, a[Dimension.Proto].Intersect(d[Dimension.Proto]))
                .With(Dimension.In, a[Dimension.In].Intersect(d[Dimension.Out]))))
            .Where(b => !b.IsEmpty)]);
        return Later(new(arrived.Subtract(dying), dying, evidence), address, port, passes, inputs);
    }

    /// <summary>
    /// The later packets of the connections whose replies come back, as FORWARD sees them: de-NATed
    /// (conntrack rewrites them in PREROUTING without asking nat again) to the container's address and
    /// port, ESTABLISHED and DNAT, TCP's with ACK set. Walked after routing: raw and mangle PREROUTING
    /// saw them addressed to the host, as they saw the opening, which passed them (Docker 28's raw drop
    /// of the container's address from outside never meets them).
    /// </summary>
    private static PortReplies Later(PortReplies replies, UInt128 address, int port, SymbolicPasses passes, AuditInputs inputs)
    {
        if (replies.Returning.IsEmpty) return replies;
        var later = new PacketSet([.. replies.Returning.Boxes.Select(b => LaterPackets.Of(b
            .With(Dimension.Dst, IntervalSet.Single(address))
            .With(Dimension.Dport, IntervalSet.Single((UInt128)port)))
            .With(Dimension.State, IntervalSet.Single((UInt128)(int)(Model.Values.ConntrackStates.Established | Model.Values.ConntrackStates.Dnat))))]);
        var (dead, evidence) = Dropped(later, passes, inputs, afterRouting: true, role: "drops the requests' later packets");
        if (dead.IsEmpty) return replies;
        var dying = new PacketSet([.. replies.Returning.Boxes.SelectMany(a => dead.Boxes.Select(d => a
                .With(Dimension.Src, a[Dimension.Src].Intersect(d[Dimension.Src]))
                .With(Dimension.Sport, a[Dimension.Sport].Intersect(d[Dimension.Sport]))
                .With(Dimension.Proto, a[Dimension.Proto].Intersect(d[Dimension.Proto]))
                .With(Dimension.In, a[Dimension.In].Intersect(d[Dimension.In]))))
            .Where(b => !b.IsEmpty)]);
        return replies with { LaterDying = dying, LaterEvidence = evidence };
    }

    /// <summary>Whether the region was decided in a prerouting chain that runs before nat's (raw -300, mangle -150, an nft chain below -100).</summary>
    private static bool BeforeDnat(ReachRegion region, Model.Ruleset ruleset)
    {
        foreach (var rule in region.Rules.Reverse())
        {
            var chain = ruleset.TableNamed(rule.Table)?[rule.Chain];
            var (hook, priority) = chain?.Base is { } b ? (b.Hook, (int?)b.Priority)
                : rule.Chain is "PREROUTING" or "INPUT" or "FORWARD" or "OUTPUT" or "POSTROUTING" ? (rule.Chain.ToLowerInvariant(), Model.BaseChain.PriorityOfIptablesTable(rule.Table))
                : (null, null);
            if (hook is not null) return hook == "prerouting" && priority < -100;
        }

        return false;
    }

    private static IntervalSet Loopback(Model.Values.IpFamily family) => family == Model.Values.IpFamily.V4
        ? IntervalSet.Range((UInt128)127 << 24, ((UInt128)128 << 24) - 1)
        : IntervalSet.Single(1);

    /// <summary>
    /// The replies the filter surely drops or rejects, with the rules (or FORWARD's policy) that do.
    /// One verdict walk asks them all; only those it does not accept are walked again with the rules
    /// recorded. A reply that only may be accepted (an ipset whose members the dump does not hold, as
    /// Moby 28's docker-ext-bridges-v4) is not called dropped: DFW607 says what is undecidable.
    /// </summary>
    /// <param name="deNatedInPrerouting">
    /// The replies are given de-NATed, as FORWARD sees them, though they arrive addressed to the NAT
    /// address (a masqueraded connection's: nat PREROUTING undoes it): a drop decided before that, in
    /// raw or mangle PREROUTING, saw another address and is not judged here (Moby 28's raw drop of
    /// packets to a container address from outside its bridge never meets a reply).
    /// </param>
    /// <param name="afterRouting">The packets are walked from FORWARD on, PREROUTING left out (a published port's later packets).</param>
    /// <param name="role">What the evidence's rules do to the packets.</param>
    /// <param name="accepted">The packets a verdict walk already accepted, among others (null: walked here).</param>
    internal static (PacketSet Dead, ImmutableArray<Evidence> Evidence) Dropped(PacketSet replies, SymbolicPasses passes, AuditInputs inputs,
        bool deNatedInPrerouting = false, bool afterRouting = false, string role = "drops the container's replies", IReadOnlyList<Box>? accepted = null)
    {
        var candidates = afterRouting ? replies : replies.Subtract(accepted ?? passes.Accepted(replies));
        if (candidates.IsEmpty) return (PacketSet.Empty, []);
        var dropping = (afterRouting ? SymbolicEngine.ReachAfterRouting(passes.Rules, candidates) : SymbolicEngine.Reach(passes.Rules, PacketPath.Forward, candidates)).Regions
            .Where(r => r.Verdict is ReachVerdict.Drop or ReachVerdict.Reject)
            .Where(r => !deNatedInPrerouting || !BeforeDnat(r, inputs.Ruleset)).ToList();
        var dead = dropping.Aggregate(PacketSet.Empty, (s, r) => s.Union(r.Packets));
        ImmutableArray<Evidence> evidence = [.. dropping
            .Select(r => r.Rules.Reverse().FirstOrDefault(x => PortReach.SourceOf(inputs.Ruleset, x)?.Target is VerdictTarget { Verdict: Verdict.Drop } or RejectTarget) is { } rule
                ? EvidenceOf.Rule(inputs.Ruleset, rule, role)
                : new Evidence("filter", "FORWARD", 0, 0, "policy of filter/FORWARD", role))
            .Select(e => e with { Family = inputs.Family })
            .Distinct()];
        return (dead, evidence);
    }
}
