using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Whether a region of a published port's arriving connections was dropped before destination NAT
/// could send it to the container (oracle F42): by a rule of raw or mangle PREROUTING, or of an nft
/// chain on the prerouting hook at a priority below the DNAT's. Such packets never meet the DNAT, so a
/// walk that keeps only the NATed packets never judged them, and a port every client is dropped from
/// before DNAT read as "accepted". The drop's own chain must be on that hook: a drop in a user chain
/// (called from who knows which hook) or by a policy is not claimed here.
/// </summary>
public static class BeforeDnat
{
    /// <summary>
    /// The packets of <paramref name="regions"/> dropped before the DNAT, and those regions (the
    /// evidence), leaving out packets to a DNAT's target (a container's address, which a dump without
    /// Docker's view cannot tell from the host's: Docker 28 drops what is routed to it directly from
    /// outside, which is not the port) and, unless <paramref name="loopback"/>, to a loopback address:
    /// when no connection from outside is NATed at all, a port bound there is kept from the network on
    /// purpose (Docker 28's raw drop) and the filter is judged on the packets the DNAT would make; when
    /// some are (a neighbour routing 127.0.0.1 through the host, DFW514), the ones dropped early are kept
    /// out like any other (seeds 4489, 4511, 4534).
    /// </summary>
    public static (PacketSet Packets, ImmutableArray<ReachRegion> Regions) Dropped(IEnumerable<ReachRegion> regions, Ruleset ruleset, int dnatPriority, PacketSpace space,
        bool loopback)
    {
        var left = Targets.GetValue(ruleset, DnatTargets);
        if (!loopback) left = left.Union(IntervalSet.Loopback(space.Family));
        var notThePort = PacketSet.Of(space.Whole().With(Dimension.Dst, left));
        var kept = regions.Where(r => Drops(r, ruleset, dnatPriority))
            .Select(r => (Region: r, Packets: r.Packets.Subtract(notThePort)))
            .Where(x => !x.Packets.IsEmpty).ToList();
        return (kept.Aggregate(PacketSet.Empty, (s, x) => s.Union(x.Packets)), [.. kept.Select(x => x.Region)]);
    }

    public static bool Drops(ReachRegion region, Ruleset ruleset, int dnatPriority)
    {
        if (region.Verdict is not (ReachVerdict.Drop or ReachVerdict.Reject)) return false;
        foreach (var responsible in region.Rules.Reverse())
        {
            if (Locate(ruleset, responsible) is not var (table, chain, rule) || rule.Target is not (VerdictTarget { Verdict: Verdict.Drop } or RejectTarget)) continue;
            return PreroutingPriority(table, chain) is { } priority && priority < dnatPriority;
        }

        return false;
    }

    /// <summary>The priority of destination NAT on the prerouting hook: iptables' nat, nft's <c>dstnat</c>.</summary>
    public static readonly int Dstnat = BaseChain.PriorityOfIptablesTable("nat")!.Value;

    /// <summary>The priority the DNAT's chain runs at on the prerouting hook (iptables' nat: -100).</summary>
    public static int DnatPriority(ReachRegion nated, Ruleset ruleset, Func<Rule, bool> isDnat)
    {
        foreach (var responsible in nated.Rules)
            if (Locate(ruleset, responsible) is var (table, chain, rule) && isDnat(rule) && PreroutingPriority(table, chain) is { } priority)
                return priority;

        return Dstnat;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Ruleset, IntervalSet> Targets = new();

    // A ruleset is of one family; a native inet table's DNAT of the other family is not this one's target.
    private static IntervalSet DnatTargets(Ruleset ruleset) => ruleset.Rules.Select(r => r.Target).OfType<DnatTarget>()
        .Select(t => t.To).OfType<NatRange>().Where(to => to.First is not null && to.Family == ruleset.Family)
        .Aggregate(IntervalSet.Empty, (s, to) => s.Union(IntervalSet.Range(to.First!.Value, to.Last ?? to.First.Value)));

    /// <summary>The table, chain and rule a responsible rule names (as <see cref="PortReach.SourceOf"/>, with where it sits).</summary>
    private static (Table Table, Chain Chain, Rule Rule)? Locate(Ruleset ruleset, ResponsibleRule responsible) =>
        ruleset.RuleAt(responsible.Table, responsible.Chain, responsible.Number) is { } rule
        && ruleset.TableNamed(responsible.Table) is { } table && table[responsible.Chain] is { } chain ? (table, chain, rule) : null;

    private static int? PreroutingPriority(Table table, Chain chain) =>
        chain.Base is { } b ? (b.Hook == "prerouting" ? b.Priority : null)
        : !table.IsNative && chain.Name == "PREROUTING" ? BaseChain.PriorityOfIptablesTable(table.Name)
        : null;
}
