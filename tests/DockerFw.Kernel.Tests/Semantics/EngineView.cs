using System.Collections.Immutable;
using System.Net;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// A probe as the engine sees it: the packet, its path, and the host facts the topology knows
/// (the router's addresses, br_netfilter on). The engine takes the route as an input, so after a
/// DNAT or REDIRECT the harness routes the new destination the way the router does and traces again.
/// </summary>
internal static class EngineView
{
    public static EvaluationContext ContextOf(Topology topology) => new()
    {
        Addresses = topology.RouterAddresses
            .Select(a => new InterfaceAddress(a.Interface, IpFamily.V4, ValueOf(a.Address), a.Prefix))
            .ToImmutableArray(),
        BridgeNetfilter = true,
    };

    public static TraceResult Trace(Ruleset ruleset, Topology topology, Probe probe, EvaluationContext? context = null)
    {
        context ??= ContextOf(topology);
        var (packet, path) = Route(topology, probe, ValueOf(probe.To));
        var result = PacketTracer.Trace(ruleset, packet, path, context);
        if (result.Single is { } single && single.Packet.Destination != packet.Destination)
        {
            var (rerouted, newPath) = Route(topology, probe, single.Packet.Destination);
            if (newPath != path || rerouted.OutInterface != packet.OutInterface)
                result = PacketTracer.Trace(ruleset, rerouted, newPath, context);
        }
        return result;
    }

    /// <summary>The probe as the engine takes it, routed to its own destination.</summary>
    public static (Packet Packet, PacketPath Path) PacketOf(Topology topology, Probe probe) =>
        Route(topology, probe, ValueOf(probe.To));

    /// <summary>The packet on its way to <paramref name="destination"/> and the router's path for it.</summary>
    private static (Packet Packet, PacketPath Path) Route(Topology topology, Probe probe, UInt128 destination)
    {
        var local = topology.RouterAddresses.Any(a => ValueOf(a.Address) == destination);
        var path = probe.From is null ? PacketPath.Output : local ? PacketPath.Input : PacketPath.Forward;
        var target = topology.Endpoints.FirstOrDefault(e => ValueOf(e.Address) == destination);
        var outInterface = local ? null : target?.RouterInterface ?? SubnetInterface(destination);
        // br_netfilter records the port a frame came in on even when the router then routes it;
        // the port it leaves by is known only for frames switched between two ports of the bridge.
        var fromPort = probe.From is { Bridged: true } ? probe.From.RouterPort : null;
        var bridged = fromPort is not null && target is { Bridged: true } && !local;
        var protocol = probe.Protocol switch { "tcp" => Protocol.Tcp, "udp" => Protocol.Udp, _ => Protocol.Icmp };
        var ports = protocol != Protocol.Icmp;
        var packet = new Packet(
            IpFamily.V4,
            ValueOf(probe.Source),
            ValueOf(probe.To),
            protocol,
            SourcePort: ports ? probe.SourcePort : null,
            DestinationPort: ports ? probe.DestinationPort : null,
            IcmpType: ports ? null : 8,
            IcmpCode: ports ? null : 0,
            InInterface: probe.From?.RouterInterface,
            OutInterface: outInterface,
            PhysIn: fromPort,
            PhysOut: bridged ? target!.RouterPort : null);
        return (packet, path);
    }

    // The router's connected subnets: 10.201.1.0/24 on r1, 10.201.2.0/24 on r2, 10.201.3.0/24 on br0.
    private static string SubnetInterface(UInt128 destination) => (int)((destination >> 8) & 0xff) switch
    {
        1 => "r1",
        2 => "r2",
        _ => Topology.Bridge,
    };

    public static UInt128 ValueOf(IPAddress address) => IpAddressValue.Parse(address.ToString(), IpFamily.V4);

    /// <summary>The trace in the kernel harness's terms: counted rules and where the packet went.</summary>
    public static string Describe(TraceResult result) =>
        result.Certain
            ? $"verdict {result.Verdict}, matched [{string.Join(", ", result.Matched.Select(r => $"{r.Table}/{r.Chain}#{r.Number}").Order(StringComparer.Ordinal))}]"
            : $"uncertain: {string.Join("; ", result.Doubts)}";
}
