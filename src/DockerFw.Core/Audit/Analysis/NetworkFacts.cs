using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;

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

    /// <summary>Masquerade as a report setting: partial with the flows that are NATed when only some are.</summary>
    public Setting Masquerade => new(Network.Network.EnableIpMasquerade && !Network.Network.Internal, MasqueradeEffective)
    {
        PartialFlows = Outbound.Nated == ReachabilityVerdict.Partial ? Outbound.NatedFlows : null,
    };

    /// <summary>The facts of one network; <paramref name="walked"/> is its symbolic pass (<see cref="SymbolicPasses.From"/>).</summary>
    public static NetworkFacts Probe(AuditedNetwork n, AuditInputs inputs, SymbolicPasses passes, IReadOnlyDictionary<string, List<Piece>> walked)
    {
        var icc = IccFacts.Judge(n, walked, passes, inputs);
        var filtered = inputs.Host.BridgedTrafficFiltered(n.Bridge, n.Family);
        var outbound = OutboundNat.Of(n, inputs, passes.Nat);
        var staying = TraceNat(inputs, n, n.ProbeB, n.Bridge);
        var ownNat = staying?.Nat.FirstOrDefault(r => r.Kind is NatKind.Snat or NatKind.Masquerade);
        // Traces name no family: the evidence points into the dump of the network's family.
        ImmutableArray<Evidence> Of(IEnumerable<Evidence> evidence) => [.. evidence.Select(e => e with { Family = n.Family })];
        return new NetworkFacts(
            n, icc, filtered,
            outbound.Effective,
            outbound.SnatTo,
            Of(outbound.Evidence),
            ownNat is not null,
            ownNat?.Rule is { } o ? Of([EvidenceOf.Rule(o, "NATs traffic that stays on the bridge")]) : [])
        { Outbound = outbound };
    }

    /// <summary>
    /// Which NAT a NEW packet from a container gets, by the nat table alone: whether the filter lets it
    /// out is another fact (internal networks), and NAT is what this one is about.
    /// </summary>
    private static TraceOutcome? TraceNat(AuditInputs inputs, AuditedNetwork n, UInt128 destination, string outInterface)
    {
        var packet = new Packet(n.Family, n.ProbeA, destination, Protocol.Tcp, 40000, 443, InInterface: n.Bridge, OutInterface: outInterface);
        var result = PacketTracer.Trace(inputs.NatOnly, packet, PacketPath.Forward, inputs.HostModel.Context(inputs.Host.BridgedTrafficFiltered(n.Bridge, n.Family)));
        return result.Single;
    }
}
