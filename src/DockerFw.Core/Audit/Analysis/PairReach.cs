using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// New connections from the containers of one network to those of another: the verdict, the flows
/// allowed (and whether their replies come back), and the rules that open the way.
/// </summary>
public sealed record PairReach(
    AuditedNetwork From,
    AuditedNetwork To,
    ReachabilityVerdict Verdict,
    ImmutableArray<AllowedFlow> Flows,
    ImmutableArray<Evidence> Opening)
{
    public static PairReach Of(AuditedNetwork from, AuditedNetwork to, SymbolicPasses passes, AuditInputs inputs)
    {
        if (!passes.From(from).TryGetValue(to.Bridge, out var all) || !all.Any(p => p.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe))
            return new PairReach(from, to, ReachabilityVerdict.Denied, [], []);
        var pieces = passes.ToContainersOf(all, to);
        var open = pieces.Where(p => p.Verdict is ReachVerdict.Accept or ReachVerdict.Maybe).ToList();
        var closed = pieces.Any(p => p.Verdict is ReachVerdict.Drop or ReachVerdict.Reject);
        var verdict = open.Count == 0 ? ReachabilityVerdict.Denied
            : !closed && open.All(p => p.Verdict == ReachVerdict.Accept) ? ReachabilityVerdict.Allowed
            : ReachabilityVerdict.Partial;
        var whole = passes.ContainerAddresses(to);
        var flows = verdict == ReachabilityVerdict.Allowed
            ? [new AllowedFlow("all", null, null, Kind(open, from, to, passes))]
            : Merge(open.Select(p => (FlowText.Protocols(p.Box[Dimension.Proto], passes.Space), FlowText.Ports(p.Box, passes.Space),
                Kind([p], from, to, passes), p.Verdict == ReachVerdict.Maybe, p.Box[Dimension.Dst])), whole, from.Family);
        // Packets that get in but whose replies die complete no connection: the pair is open one
        // way only, which is not "allowed" (every new connection passes).
        if (verdict == ReachabilityVerdict.Allowed && flows.All(f => f.Kind == "one-way")) verdict = ReachabilityVerdict.Partial;
        return new PairReach(from, to, verdict, flows, Deciding(open, inputs, "opens the way"));
    }

    /// <summary>One flow per protocol, ports and kind, its destinations merged (the walk splits them freely).</summary>
    public static ImmutableArray<AllowedFlow> Merge(IEnumerable<(string Proto, string? Ports, string Kind, bool Possible, IntervalSet Dst)> flows, IntervalSet whole, IpFamily family = IpFamily.V4) =>
        [.. flows.GroupBy(f => (f.Proto, f.Ports, f.Kind, f.Possible))
            .Select(g => new AllowedFlow(g.Key.Proto, g.Key.Ports,
                FlowText.Addresses(g.Aggregate(IntervalSet.Empty, (s, f) => s.Union(f.Dst)), whole, family), g.Key.Kind, g.Key.Possible))];

    public ReachabilityEntry ToEntry() => new(From.Name, To.Name, Verdict, Flows);

    private static ImmutableArray<Evidence> Deciding(IEnumerable<Piece> pieces, AuditInputs inputs, string role) =>
        [.. pieces.Select(p => EvidenceOf.Deciding(p.Region)).OfType<ResponsibleRule>().Distinct()
            .Select(r => EvidenceOf.Rule(inputs.Ruleset, r, role))];

    /// <summary><c>connection</c> when every reply to the allowed packets is accepted on its way back, else <c>one-way</c>.</summary>
    public static string Kind(IEnumerable<Piece> open, AuditedNetwork from, AuditedNetwork to, SymbolicPasses passes)
    {
        var replies = passes.RepliesTo(from).TryGetValue(to.Bridge, out var r)
            ? new PacketSet([.. r.Where(p => p.Verdict == ReachVerdict.Accept).Select(p => p.Box)])
            : PacketSet.Empty;
        foreach (var piece in open)
        {
            var mirror = Mirror(piece.Box, passes);
            var relevant = new PacketSet([.. replies.Boxes.Where(b => b.Overlaps(mirror))]);
            if (!PacketSet.Of(mirror).Subtract(relevant).IsEmpty) return "one-way";
        }

        return "connection";
    }

    /// <summary>The replies to a box of NEW packets: addresses, ports and interfaces swapped, ESTABLISHED.</summary>
    public static Box Mirror(Box b, SymbolicPasses passes)
    {
        var icmp = b[Dimension.IcmpType].Contains(8) ? IntervalSet.Single(0) : b[Dimension.IcmpType];
        IntervalSet[] sets =
        [
            b[Dimension.Dst], b[Dimension.Src], b[Dimension.Proto], b[Dimension.Dport], b[Dimension.Sport], icmp,
            IntervalSet.Single((UInt128)(int)Model.Values.ConntrackStates.Established),
            b[Dimension.Out], b[Dimension.In],
        ];
        return new Box(sets, BitCubeSet.All);
    }
}
