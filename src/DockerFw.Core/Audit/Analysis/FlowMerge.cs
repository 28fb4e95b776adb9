using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The parts of a question's open packets (each with its kind and certainty) as a few flows: one per
/// protocol, ports both ways, ICMP types, output interfaces, kind and certainty, its destinations merged
/// (the walk splits them freely). A flow names what it holds for only where that differs: its sources
/// (<see cref="SourceClasses"/>, oracle F34), its ICMP types (a drop of timestamp replies makes
/// <c>icmp type 13</c> one-way, echo stays a connection) and, where the question asks several
/// (<c>outs</c>), the interfaces it leaves by (masquerade's <c>-o eth0</c>). The walk also cuts where
/// nothing differs (an accept of echo requests above an accept of all): two flows that say the same but
/// for their ICMP types, or their interfaces, are one.
/// </summary>
public static class FlowMerge
{
    /// <param name="whole">The destinations asked about.</param>
    /// <param name="sources">Every source asked about: flows name theirs when fewer; null, the parts' sources are not told apart.</param>
    /// <param name="outs">Every output interface asked about: flows name theirs when fewer; null, they are not told apart.</param>
    public static ImmutableArray<AllowedFlow> Of(IEnumerable<(Box Box, string Kind, bool Possible)> parts, IntervalSet whole, PacketSpace space,
        IpFamily family = IpFamily.V4, IntervalSet? sources = null, IntervalSet? outs = null)
    {
        var flows = parts
            .GroupBy(p => (Proto: FlowText.Protocols(p.Box[Dimension.Proto], space), Ports: FlowText.Ports(p.Box, space), SourcePorts: FlowText.SourcePorts(p.Box, space),
                p.Kind, p.Possible, Types: FlowText.IcmpTypesOf(p.Box, space), Out: outs is null ? null : p.Box[Dimension.Out].Intersect(outs)))
            .SelectMany(g => Flows(g.Key.Proto, g.Key.Ports, g.Key.SourcePorts, g.Key.Kind, g.Key.Possible, [.. g.Select(p => p.Box)], whole, family, sources)
                .Select(f => new Cut(f, Protocols(g), g.Key.Types, g.Key.Out)));
        // Each field joined over the flows that say the same on every other one: exact, as their union is
        // theirs (masquerade's -o eth0 NATs tcp, icmp and the rest via eth0 alike: `all via eth0`).
        var queries = IcmpStates.Queries(space.Family);
        var joined = flows
            .GroupBy(c => (c.Flow, c.Out))
            .Select(g => g.First() with { Types = Union(g.Select(c => c.Types)) is { } t && !queries.IsSubsetOf(t) ? t : null })
            .GroupBy(c => (c.Flow with { Protocol = "" }, c.Types, c.Out))
            .Select(g => g.First() with { Protocols = g.Aggregate(IntervalSet.Empty, (s, c) => s.Union(c.Protocols)) })
            .Select(c => c with { Flow = c.Flow with { Protocol = FlowText.Protocols(c.Protocols, space) } })
            .GroupBy(c => (c.Flow, c.Types))
            .Select(g => g.First() with { Out = Union(g.Select(c => c.Out)) });
        return [.. joined.Select(c => c.Flow with
        {
            IcmpTypes = FlowText.IcmpTypes(c.Types, space),
            Via = c.Out is { } via && outs is not null ? FlowText.Via(via, outs, space) : null,
        })];
    }

    // A flow as the walk cut it, its protocols, ICMP types and output interfaces still sets (null: none asked).
    private sealed record Cut(AllowedFlow Flow, IntervalSet Protocols, IntervalSet? Types, IntervalSet? Out);

    private static IntervalSet Protocols(IEnumerable<(Box Box, string, bool)> parts) =>
        parts.Aggregate(IntervalSet.Empty, (s, p) => s.Union(p.Box[Dimension.Proto]));

    private static IntervalSet? Union(IEnumerable<IntervalSet?> sets) =>
        sets.Aggregate((IntervalSet?)null, (s, x) => x is null ? s : s is null ? x : s.Union(x));

    private static IEnumerable<AllowedFlow> Flows(string proto, string? ports, string? sourcePorts, string kind, bool possible, List<Box> boxes,
        IntervalSet whole, IpFamily family, IntervalSet? sources) =>
        sources is null
            ? [new AllowedFlow(proto, ports, FlowText.Addresses(boxes.Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Dst])), whole, family), kind, possible, sourcePorts)]
            : SourceClasses.Of([.. boxes.Select(b => (b[Dimension.Src], b[Dimension.Dst]))], sources.Intersect(whole))
                .Select(c => new AllowedFlow(proto, ports, FlowText.Addresses(c.Destinations, whole, family), kind, possible, sourcePorts,
                    FlowText.Sources(c.Sources, sources, family)));
}
