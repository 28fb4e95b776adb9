using System.Collections.Immutable;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The replies of a network's source-NATed connections out as they arrive: from the remote end to the
/// address the NAT gave the connection (MASQUERADE's <see cref="MasqueradeSources"/>, SNAT's
/// <c>--to-source</c>) and the port it gave (the container's own source port, which NAT keeps unless a
/// rule asks for others or at random), in on the interface the request left by, ESTABLISHED with SNAT.
/// conntrack undoes the NAT only at nat's PREROUTING hook (priority -100): raw (-300) and mangle (-150)
/// PREROUTING, and nft chains below -100, see them so. A drop there of the host's address
/// (<c>-t raw -A PREROUTING -d 198.51.100.7 -p tcp --sport 443 -j DROP</c>) or of everything
/// established in on the uplink kills the replies; a drop of the container's address there never
/// meets them. Only drops decided before nat's hook are judged (<see cref="PortReplies.Dropped"/> with
/// <c>beforeDnatOnly</c>, as for a published port's later packets); the rest is asked de-NATed. Where
/// a connection may be given several addresses or ports, its replies are called dropped only when
/// they die for every one of them; dying for some is uncertain, and said so with why
/// (<see cref="Fate.Uncertain"/>, <see cref="Fate.Doubts"/>), never left silent.
/// </summary>
public static class ArrivingReplies
{
    /// <summary>One connection's replies as they arrive; <paramref name="PortKept"/>: their destination port is the request's source port; <paramref name="Unknown"/>: why which address it is given is not known.</summary>
    private sealed record Arrival(Box Request, Box Packets, bool PortKept, string Unknown);

    /// <summary>
    /// The requests whose replies die as they arrive for every address and port they may be given
    /// (<paramref name="Dying"/>, with the rules that drop them), and those whose replies die for some
    /// of them only (<paramref name="Uncertain"/>, with <paramref name="Doubts"/>: for which and why
    /// which one is not known).
    /// </summary>
    public sealed record Fate(PacketSet Dying, PacketSet Uncertain, ImmutableArray<string> Doubts, ImmutableArray<Evidence> Evidence)
    {
        public static readonly Fate None = new(PacketSet.Empty, PacketSet.Empty, [], []);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SymbolicRuleset, SymbolicRuleset> EarlyTables = new();

    private static readonly ConntrackStates[] Established =
        [.. ConnectionNat.Every.Select(v => ConntrackStates.Established | v)];

    /// <summary>The requests whose replies die before nat's PREROUTING, for every address and port they may arrive to or for some only.</summary>
    public static Fate Of(PacketSet requests, MasqueradeSources sources, SymbolicPasses passes, AuditInputs inputs)
    {
        if (requests.IsEmpty || !MayDropBeforeNat(inputs.Ruleset)) return Fate.None;
        var space = passes.Space;
        // Asked first for any address outside the container subnets and any port: most hosts drop none
        // of those before nat (Docker 28's raw drops are of container addresses), and the NAT each
        // connection took need not be walked for.
        var anyState = IntervalSet.FromValues(Established.Select(s => (UInt128)(int)s));
        var widest = SnatAddresses(inputs.Ruleset, inputs.Family) is { } snat
            ? inputs.ContainerSubnets.Complement(space.MaxOf(Dimension.Dst)).Subtract(IntervalSet.Loopback(inputs.Family)).Union(snat)
            : space.Full(Dimension.Dst);
        var quick = new PacketSet([.. requests.Boxes.Select(r => ReplyFate.Mirror(r).With(Dimension.Dst, widest)
            .With(Dimension.Dport, space.Full(Dimension.Dport)).With(Dimension.State, anyState))]);
        // A walk of the tables that may run before nat's PREROUTING alone (filter, nat and security run
        // at or after it and cannot change what comes before): through every table, per network, it was
        // most of this fact's cost on a host with Docker 28's raw rules.
        var early = EarlyTables.GetValue(passes.Rules, rules => rules.WithTables(t => t is not ("filter" or "nat" or "security")));
        // Replies to the NAT's address: their connection's source and port are the requests' (ToldConnection).
        var told = ToldConnection.Replies
            .Knowing(Dimension.Src, requests.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Src])))
            .Knowing(Dimension.Sport, requests.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Sport])));
        if (!SymbolicEngine.Reach(early, PacketPath.Forward, quick, told).Regions.Any(r => BeforeDnat.Drops(r, inputs.Ruleset, BeforeDnat.Dstnat)))
            return Fate.None;
        var arrivals = Arrivals(requests, sources, passes, inputs).ToList();
        if (arrivals.Count == 0) return Fate.None;
        var (dead, evidence) = PortReplies.Dropped(new PacketSet([.. arrivals.Select(a => a.Packets)]), passes, inputs, beforeDnatOnly: true, told: told);
        if (dead.IsEmpty) return Fate.None;
        var (dying, uncertain, doubts) = (new List<Box>(), new List<Box>(), new List<string>());
        foreach (var a in arrivals)
        {
            var mine = dead.Intersect(a.Packets);
            if (mine.IsEmpty) continue;
            // A reply that lives for some address or port its connection may be given: not claimed
            // dropped, but uncertain, with the addresses (or ports) it dies for and those it lives for.
            var living = PacketSet.Of(a.Packets).Subtract(dead);
            var spread = living.Boxes.Select(b => Widened(b, a)).ToList();
            var sure = mine.Subtract(spread);
            dying.AddRange(sure.Boxes.Select(d => Connection(a, d)).Where(b => !b.IsEmpty));
            var maybe = mine.Subtract(sure);
            if (maybe.IsEmpty) continue;
            uncertain.AddRange(maybe.Boxes.Select(d => Connection(a, d)).Where(b => !b.IsEmpty));
            doubts.Add(Doubt(a, maybe, passes.Space));
        }

        return dying.Count == 0 && uncertain.Count == 0 ? Fate.None
            : new Fate(new PacketSet([.. dying]), new PacketSet([.. uncertain]), [.. doubts.Distinct()], dying.Count == 0 ? [] : evidence);
    }

    // Past this many ranges the addresses a reply lives for are not listed.
    private const int MaxRanges = 4;

    /// <summary>For which addresses (or ports) the replies die and for which not, then why which one is not known.</summary>
    private static string Doubt(Arrival a, PacketSet maybe, PacketSpace space)
    {
        var given = a.Packets[Dimension.Dst];
        var every = IntervalSet.Range(0, space.MaxOf(Dimension.Dst));
        var deadFor = maybe.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Dst]));
        if (!given.IsSubsetOf(deadFor))
        {
            var livesFor = given.Subtract(deadFor);
            var others = livesFor.Ranges.Count() <= MaxRanges ? FlowText.Addresses(livesFor, every, space.Family) : "the host's other addresses";
            return $"for {FlowText.Addresses(deadFor, every, space.Family)} but not {others}; {a.Unknown}";
        }

        var ports = maybe.Boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Dport]));
        return $"for ports {string.Join(",", ports.Ranges.Select(r => r.First == r.Last ? $"{r.First}" : $"{r.First}-{r.Last}"))} but not the others the NAT may give; which one it gives is chosen per connection";
    }

    /// <summary>The requests' replies as they arrive, by the NAT that took each request (a walk of the nat table alone: the filter's say on the requests is the egress policy's).</summary>
    private static IEnumerable<Arrival> Arrivals(PacketSet requests, MasqueradeSources sources, SymbolicPasses passes, AuditInputs inputs)
    {
        var space = passes.Space;
        // The nat table alone is compiled apart where nft tables are (its own, coarser alphabet of interfaces).
        var nat = passes.NatOfContainers;
        var translation = passes.Translation(space, nat.Space);
        var asked = translation.Identity ? requests : new PacketSet([.. requests.Boxes.Select(translation.Forward)]);
        foreach (var region in SymbolicEngine.Reach(nat, PacketPath.Forward, asked).Regions)
        {
            if (region.Verdict != ReachVerdict.Accept || OutboundNat.NatRule(region, inputs) is not { Target: var target }) continue;
            var state = ConnectionNat.Of(region) | ConntrackStates.Snat;
            var (ports, random) = target switch
            {
                SnatTarget s => (s.To?.Ports, s.Flags.Any(f => f.Contains("random", StringComparison.Ordinal))),
                MasqueradeTarget m => (m.ToPorts, m.Flags.Any(f => f.Contains("random", StringComparison.Ordinal))),
                _ => (null, false),
            };
            var given = random ? space.Full(Dimension.Dport) : ports is { } p ? IntervalSet.Range((UInt128)p.First, (UInt128)p.Last) : null;
            var boxes = translation.Identity ? region.Packets.Boxes.AsEnumerable()
                : region.Packets.Boxes.Select(translation.Back).SelectMany(b => requests.Boxes.Select(r => r.Intersect(b))).OfType<Box>();
            foreach (var request in boxes)
            {
                var ways = target is SnatTarget { To: var to }
                    ? [(request[Dimension.Out], to?.First is { } first ? IntervalSet.Range(first, to.Last ?? first) : request[Dimension.Src])]
                    : sources.Split(request[Dimension.Out]);
                var unknown = target is SnatTarget ? "which one the SNAT gives is chosen per connection"
                    : sources.Known ? "which one MASQUERADE gives is not known from the routes"
                    : "which one MASQUERADE gives is not known without the host's routes (--routes)";
                foreach (var (outs, addresses) in ways)
                {
                    var leaving = request.With(Dimension.Out, outs);
                    var reply = ConnectionNat.Established(ReplyFate.Mirror(leaving), state).With(Dimension.Dst, addresses);
                    yield return new Arrival(leaving, given is null ? reply : reply.With(Dimension.Dport, given), given is null, unknown);
                }
            }
        }
    }

    /// <summary>A living reply widened to every address (and, where NAT picks it, port) its connection may be given.</summary>
    private static Box Widened(Box living, Arrival a)
    {
        var widened = living.With(Dimension.Dst, a.Packets[Dimension.Dst]);
        return a.PortKept ? widened : widened.With(Dimension.Dport, a.Packets[Dimension.Dport]);
    }

    /// <summary>The requests of an arrival whose replies are among the dead ones.</summary>
    private static Box Connection(Arrival a, Box dead)
    {
        var r = a.Request;
        return r
            .With(Dimension.Dst, r[Dimension.Dst].Intersect(dead[Dimension.Src]))
            .With(Dimension.Proto, r[Dimension.Proto].Intersect(dead[Dimension.Proto]))
            .With(Dimension.Dport, r[Dimension.Dport].Intersect(dead[Dimension.Sport]))
            .With(Dimension.Sport, a.PortKept ? r[Dimension.Sport].Intersect(dead[Dimension.Dport]) : r[Dimension.Sport])
            .With(Dimension.Out, r[Dimension.Out].Intersect(dead[Dimension.In]));
    }

    /// <summary>
    /// Whether anything may drop before nat's PREROUTING: a DROP or REJECT in raw or mangle, a DROP
    /// policy of their PREROUTING, or an nft chain on prerouting below -100 (which may jump anywhere).
    /// Most hosts have none, and their replies are not walked again.
    /// </summary>
    private static bool MayDropBeforeNat(Model.Ruleset ruleset) => ruleset.Tables.Any(t => t.IsNative
        ? t.Chains.Any(c => c.Base is { Hook: "prerouting" } b && b.Priority < BeforeDnat.Dstnat)
        : t.Name is "raw" or "mangle" && t.Chains.Any(c => (c.Name == "PREROUTING" && c.Policy == Verdict.Drop)
            || c.Rules.Any(r => r.Target is VerdictTarget { Verdict: Verdict.Drop } or RejectTarget)));

    /// <summary>Every address a SNAT of the ruleset gives; null when one keeps the container's (<c>--to-source :PORTS</c>).</summary>
    private static IntervalSet? SnatAddresses(Model.Ruleset ruleset, IpFamily family)
    {
        var targets = ruleset.Rules.Select(r => r.Target).OfType<SnatTarget>().ToList();
        if (targets.Any(t => t.To?.First is null)) return null;
        return targets.Select(t => t.To!).Where(to => to.Family == family)
            .Aggregate(IntervalSet.Empty, (s, to) => s.Union(IntervalSet.Range(to.First!.Value, to.Last ?? to.First.Value)));
    }
}
