using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// One published port probed from outside, in the family of its analysis: whether the filter lets
/// the DNATed packet in (a NEW connection from a client on the uplink to the container port, as
/// FORWARD sees it after DNAT); a NEW packet from that client to the host address the port is bound
/// to (the uplink's address for 0.0.0.0 or ::; 127.0.0.1 stands for a LAN neighbour routing loopback
/// to the host) through every table; and what INPUT alone would have done to the host port, which is
/// what a host firewall (ufw) decides.
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
    public IpFamily Family { get; init; } = IpFamily.V4;

    public bool BoundToAnyAddress => Report.HostIp is null or "" || Report.HostIp == (Family == IpFamily.V4 ? "0.0.0.0" : "::");

    public bool BoundToLoopback => Family == IpFamily.V4 ? Report.HostIp?.StartsWith("127.", StringComparison.Ordinal) == true : Report.HostIp == "::1";

    /// <summary>An address as a port mapping writes it: IPv6 in brackets, so that a port can follow.</summary>
    public static string Bracketed(string address) => address.Contains(':') ? $"[{address}]" : address;

    public static IEnumerable<PortFacts> Probe(AuditInputs inputs)
    {
        var family = inputs.Family;
        var filterOnly = inputs.Ruleset with { Tables = [.. inputs.Ruleset.Tables.Where(t => t.Name == "filter")] };
        foreach (var container in inputs.View.Containers)
        {
            var endpoint = container.Endpoints.FirstOrDefault(e => AddressOf(e, family) is not null);
            if (endpoint is null || AddressOf(endpoint, family) is not { } ip) continue;
            var network = inputs.NetworkOfAddress(ip) ?? inputs.Networks.FirstOrDefault(n => n.Name == endpoint.Network);
            foreach (var port in container.Ports.Where(p => p.HostPort is not null && Binds(p, inputs)))
            {
                var hostIp = port.HostIp is { Length: > 0 } h ? h : family == IpFamily.V4 ? "0.0.0.0" : "::";
                UInt128 bound = IpAddressValue.TryParse(hostIp, family, out var b) ? b : 0;
                var destination = bound == 0 ? UplinkOf(family) : bound;
                var proto = Protocol.TryParse(port.Protocol, out var p) ? p!.Number : Protocol.Tcp;
                var reach = Forward(inputs, destination, proto, port.HostPort!.Value, network);
                var afterDnat = network is null ? null : PacketTracer.Trace(filterOnly,
                    Packet(family, ip, proto, port.ContainerPort, network.Bridge) with { State = ConntrackStates.New | ConntrackStates.Dnat },
                    PacketPath.Forward, inputs.HostModel.Context(null));
                var input = PacketTracer.Trace(filterOnly, Packet(family, destination, proto, port.HostPort.Value, null), PacketPath.Input, inputs.HostModel.Context(null));
                var report = new PublishedPortReport(port.Protocol, hostIp, port.HostPort, IpAddressValue.Format(ip, family), port.ContainerPort,
                    network?.Name, inputs.ViewInferred ? null : container.Name, afterDnat?.Verdict is null ? null : afterDnat.Verdict == PacketVerdict.Accept);
                yield return new PortFacts(
                    report, container, network,
                    reach?.Verdict is null ? null : reach.Verdict == PacketVerdict.Accept,
                    reach is null ? [] : [.. reach.Matched.Select(r => EvidenceOf.Rule(r, "on the way in") with { Family = family })],
                    afterDnat?.Single is { } f ? [EvidenceOf.Decision(f, f.Verdict == PacketVerdict.Accept ? "lets the port in" : "keeps the port out") with { Family = family }] : [],
                    input.Verdict is null ? null : input.Verdict != PacketVerdict.Accept,
                    input.Single is { } i ? [EvidenceOf.Decision(i, "blocks the port in INPUT") with { Family = family }] : [])
                { Family = family };
            }
        }
    }

    private static UInt128? AddressOf(DockerEndpoint endpoint, IpFamily family) => family == IpFamily.V4 ? endpoint.Ipv4 : endpoint.Ipv6;

    /// <summary>
    /// Whether the family's rules publish this binding. In IPv6: an IPv6 address (<c>::</c> for every
    /// one) or none. IPv4 keeps every binding, as it always listed them: with ip6tables off, docker-proxy
    /// serves a <c>::</c> binding from the container's IPv4 address. A view inferred from the
    /// family's own rules holds nothing else.
    /// </summary>
    private static bool Binds(PortBinding port, AuditInputs inputs) =>
        inputs.Family == IpFamily.V4 || inputs.ViewInferred || port.HostIp is null or "" || IpAddressValue.TryParse(port.HostIp, IpFamily.V6, out _);

    private static UInt128 UplinkOf(IpFamily family) => family == IpFamily.V4 ? HostModel.UplinkAddress : HostModel.UplinkAddressV6;

    private static TraceResult? Forward(AuditInputs inputs, UInt128 destination, int proto, int port, AuditedNetwork? network) =>
        network is null ? null
        : PacketTracer.Trace(inputs.Ruleset, Packet(inputs.Family, destination, proto, port, network.Bridge), PacketPath.Forward, inputs.HostModel.Context(null));

    private static Packet Packet(IpFamily family, UInt128 destination, int proto, int port, string? outInterface) =>
        new(family, HostModel.RemoteClientOf(family), destination, proto, 40000, port, InInterface: HostModel.Uplink, OutInterface: outInterface);
}
