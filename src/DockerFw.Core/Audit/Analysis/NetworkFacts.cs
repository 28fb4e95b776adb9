using System.Collections.Immutable;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// What the rules effectively do to one network: which new connections between two of its containers pass (icc),
/// whether its outbound traffic is NATed and to what, whether traffic staying on the bridge is NATed,
/// each with the rules that decided it. Null where the engine cannot tell.
/// </summary>
public sealed record NetworkFacts(
    AuditedNetwork Network,
    Effect Icc,
    bool? BridgedTrafficFiltered,
    bool? MasqueradeEffective,
    string? SnatTo,
    ImmutableArray<Evidence> MasqueradeEvidence,
    bool NatsOwnBridge,
    ImmutableArray<Evidence> OwnBridgeNatEvidence)
{
    /// <summary>Outbound NAT proven over every packet that leaves (<see cref="MasqueradeEffective"/> is its whole answer).</summary>
    public OutboundNat Outbound { get; init; } = new(true, null, [], null, []);

    /// <summary>Source NAT of traffic between the network's containers, over every packet (<see cref="NatsOwnBridge"/> is whether any is).</summary>
    public OutboundNat OwnBridge { get; init; } = new(true, ReachabilityVerdict.Denied, [], null, []);

    /// <summary>Whether the replies of the network's masqueraded connections out come back (oracle F35).</summary>
    public OutboundReplies Replies { get; init; } = OutboundReplies.Returned;

    /// <summary>Masquerade as a report setting: partial with the flows that are NATed when only some are; the replies the filter drops.</summary>
    public Setting Masquerade => new(Network.Network.EnableIpMasquerade && !Network.Network.Internal, MasqueradeEffective)
    {
        PartialFlows = Outbound.Nated == ReachabilityVerdict.Partial ? Outbound.NatedFlows : null,
        RepliesDropped = Replies.Dropped,
        LaterDropped = Replies.LaterDropped,
        RepliesUncertain = Replies.Uncertain is { } uncertain ? $"{uncertain}: {Replies.UncertainWhy}" : null,
    };

    /// <summary>The facts of one network; <paramref name="walked"/> is its symbolic pass (<see cref="SymbolicPasses.From"/>).</summary>
    public static NetworkFacts Probe(AuditedNetwork n, AuditInputs inputs, SymbolicPasses passes, IReadOnlyDictionary<string, List<Piece>> walked)
    {
        var icc = IccFacts.Judge(n, walked, passes, inputs);
        var filtered = inputs.Host.BridgedTrafficFiltered(n.Bridge, n.Family);
        var outbound = OutboundNat.Of(n, inputs, passes.NatOfContainers);
        var staying = OutboundNat.OnOwnBridge(n, inputs, passes.NatOfContainers);
        // Only a NATed way out is asked for its replies: without NAT none come back anyway (DFW401).
        var replies = outbound.Leaves && outbound.Nated is ReachabilityVerdict.Allowed or ReachabilityVerdict.Partial
            ? OutboundReplies.Of(n, inputs, passes) : OutboundReplies.Returned;
        // Traces name no family: the evidence points into the dump of the network's family.
        ImmutableArray<Evidence> Of(IEnumerable<Evidence> evidence) => [.. evidence.Select(e => e with { Family = n.Family })];
        return new NetworkFacts(
            n, icc, filtered,
            outbound.Effective,
            outbound.SnatTo,
            Of(outbound.Evidence),
            staying.Nated is ReachabilityVerdict.Allowed or ReachabilityVerdict.Partial,
            Of(staying.Evidence))
        { Outbound = outbound, OwnBridge = staying, Replies = replies with { Evidence = Of(replies.Evidence) } };
    }
}
