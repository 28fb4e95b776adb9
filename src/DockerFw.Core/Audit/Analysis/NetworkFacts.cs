using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// What the rules effectively do to one network: whether two of its containers can connect (icc),
/// whether its outbound traffic is NATed and to what, whether traffic staying on the bridge is NATed,
/// each with the rules that decided it. Null where the engine cannot tell.
/// </summary>
public sealed record NetworkFacts(
    AuditedNetwork Network,
    bool? IccEffective,
    bool? BridgedTrafficFiltered,
    ImmutableArray<Evidence> IccEvidence,
    bool? MasqueradeEffective,
    string? SnatTo,
    ImmutableArray<Evidence> MasqueradeEvidence,
    bool NatsOwnBridge,
    ImmutableArray<Evidence> OwnBridgeNatEvidence)
{
    // Ports an application between containers would use; ICMP echo stands for ping.
    private static readonly (int Proto, int? Port, int? Icmp)[] IccProbes = [(Protocol.Tcp, 80, null), (Protocol.Udp, 53, null), (Protocol.Icmp, null, 8)];

    private static readonly (int Proto, int? Port, int? Icmp)[] IccProbesV6 = [(Protocol.Tcp, 80, null), (Protocol.Udp, 53, null), (Protocol.IcmpV6, null, 128)];

    public static NetworkFacts Probe(AuditedNetwork n, AuditInputs inputs)
    {
        var (icc, filtered, iccEvidence) = Icc(n, inputs);
        var outbound = TraceNat(inputs, n, HostModel.InternetAddressOf(n.Family), HostModel.Uplink);
        var snat = outbound?.Nat.FirstOrDefault(r => r.Kind is NatKind.Snat or NatKind.Masquerade && r.Field == Model.Matches.AddressField.Source);
        var staying = TraceNat(inputs, n, n.ProbeB, n.Bridge);
        var ownNat = staying?.Nat.FirstOrDefault(r => r.Kind is NatKind.Snat or NatKind.Masquerade);
        // Traces name no family: the evidence points into the dump of the network's family.
        ImmutableArray<Evidence> Of(IEnumerable<Evidence> evidence) => [.. evidence.Select(e => e with { Family = n.Family })];
        return new NetworkFacts(
            n, icc, filtered, Of(iccEvidence),
            outbound is null ? null : snat is not null,
            snat is { Kind: NatKind.Snat, Address: { } to } ? IpAddressValue.Format(to, n.Family) : null,
            snat?.Rule is { } r ? Of([EvidenceOf.Rule(r, snat.Kind == NatKind.Snat ? "SNATs outbound traffic" : "masquerades outbound traffic")]) : [],
            ownNat is not null,
            ownNat?.Rule is { } o ? Of([EvidenceOf.Rule(o, "NATs traffic that stays on the bridge")]) : []);
    }

    private static (bool?, bool?, ImmutableArray<Evidence>) Icc(AuditedNetwork n, AuditInputs inputs)
    {
        var filtered = inputs.Host.BridgedTrafficFiltered(n.Bridge, n.Family);
        // Frames switched inside a bridge never reach iptables without br_netfilter.
        if (filtered == false) return (true, false, []);
        // Unknown: judge the rules as if br_netfilter were on, as Docker loads it whenever icc is off.
        var context = inputs.HostModel.Context(true);
        var results = (n.Family == IpFamily.V4 ? IccProbes : IccProbesV6).Select(p => ConnectionEvaluator.Evaluate(inputs.Ruleset, new Packet(
            n.Family, n.ProbeA, n.ProbeB, p.Proto, p.Port is null ? null : 40000, p.Port, p.Icmp, p.Icmp is null ? null : 0,
            n.Bridge, n.Bridge, PhysIn: "dfw-veth-a", PhysOut: "dfw-veth-b"), PacketPath.Forward, context)).ToList();
        if (results.Any(r => !r.Certain)) return (null, filtered, []);
        var all = results.All(r => r.Reachability == Reachability.Reachable);
        var decisive = results.Where(r => r.Reachability == (all ? Reachability.Reachable : Reachability.Blocked)).Take(1)
            .SelectMany(r => r.Outcomes.Take(1).Select(o => EvidenceOf.Decision(o.Request, all ? "accepts traffic between containers of the bridge" : "blocks traffic between containers of the bridge")));
        return (all, filtered, [.. decisive]);
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
