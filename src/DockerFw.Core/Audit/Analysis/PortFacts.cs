using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// One published port probed from outside: whether the filter lets the DNATed packet in (a NEW
/// connection from a client on the uplink to the container port, as FORWARD sees it after DNAT); a
/// NEW packet from that client to the host address the port is bound to (the uplink's address for
/// 0.0.0.0; 127.0.0.1 stands for a LAN neighbour routing loopback to the host) through every table;
/// and what INPUT alone would have done to the host port, which is what a host firewall (ufw) decides.
/// </summary>
public sealed record PortFacts(
    PublishedPortReport Report,
    DockerContainer Container,
    AuditedNetwork? Network,
    bool? Reachable,
    ImmutableArray<Evidence> Path,
    ImmutableArray<Evidence> FilterEvidence,
    bool? InputBlocks,
    ImmutableArray<Evidence> InputEvidence)
{
    public bool BoundToAnyAddress => Report.HostIp is null or "" or "0.0.0.0";

    public bool BoundToLoopback => Report.HostIp?.StartsWith("127.", StringComparison.Ordinal) == true;

    public static IEnumerable<PortFacts> Probe(AuditInputs inputs)
    {
        var filterOnly = inputs.Ruleset with { Tables = [.. inputs.Ruleset.Tables.Where(t => t.Name == "filter")] };
        foreach (var container in inputs.View.Containers)
        {
            var endpoint = container.Endpoints.FirstOrDefault(e => e.Ipv4 is not null);
            if (endpoint?.Ipv4 is not { } ip) continue;
            var network = inputs.NetworkOfAddress(ip) ?? inputs.Networks.FirstOrDefault(n => n.Name == endpoint.Network);
            foreach (var port in container.Ports.Where(p => p.HostPort is not null))
            {
                var hostIp = port.HostIp is { Length: > 0 } h ? h : "0.0.0.0";
                UInt128 bound = IpAddressValue.TryParse(hostIp, IpFamily.V4, out var b) ? b : 0;
                var destination = bound == 0 ? HostModel.UplinkAddress : bound;
                var proto = Protocol.TryParse(port.Protocol, out var p) ? p!.Number : Protocol.Tcp;
                var reach = Forward(inputs, destination, proto, port.HostPort!.Value, network);
                var afterDnat = network is null ? null : PacketTracer.Trace(filterOnly,
                    Packet(ip, proto, port.ContainerPort, network.Bridge) with { State = ConntrackStates.New | ConntrackStates.Dnat },
                    PacketPath.Forward, inputs.HostModel.Context(null));
                var input = PacketTracer.Trace(filterOnly, Packet(destination, proto, port.HostPort.Value, null), PacketPath.Input, inputs.HostModel.Context(null));
                var report = new PublishedPortReport(port.Protocol, hostIp, port.HostPort, IpAddressValue.Format(ip, IpFamily.V4), port.ContainerPort,
                    network?.Name, inputs.ViewInferred ? null : container.Name, afterDnat?.Verdict is null ? null : afterDnat.Verdict == PacketVerdict.Accept);
                yield return new PortFacts(
                    report, container, network,
                    reach?.Verdict is null ? null : reach.Verdict == PacketVerdict.Accept,
                    reach is null ? [] : [.. reach.Matched.Select(r => EvidenceOf.Rule(r, "on the way in"))],
                    afterDnat?.Single is { } f ? [EvidenceOf.Decision(f, f.Verdict == PacketVerdict.Accept ? "lets the port in" : "keeps the port out")] : [],
                    input.Verdict is null ? null : input.Verdict != PacketVerdict.Accept,
                    input.Single is { } i ? [EvidenceOf.Decision(i, "blocks the port in INPUT")] : []);
            }
        }
    }

    private static TraceResult? Forward(AuditInputs inputs, UInt128 destination, int proto, int port, AuditedNetwork? network) =>
        network is null ? null
        : PacketTracer.Trace(inputs.Ruleset, Packet(destination, proto, port, network.Bridge), PacketPath.Forward, inputs.HostModel.Context(null));

    private static Packet Packet(UInt128 destination, int proto, int port, string? outInterface) =>
        new(IpFamily.V4, HostModel.RemoteClient, destination, proto, 40000, port, InInterface: HostModel.Uplink, OutInterface: outInterface);
}
