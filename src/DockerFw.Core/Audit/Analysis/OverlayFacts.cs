using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// Swarm mode judged on one host, every claim proven by the symbolic engine over the whole set of
/// packets it is about: the control plane (2377/tcp to managers, 7946/tcp+udp) and each overlay
/// network's VXLAN between this node and the others in INPUT and OUTPUT, ESP when a network is
/// encrypted, whether cleartext VXLAN to an encrypted network's VNI is dropped on the way in (over
/// every source: anyone may inject it), the service ports of the routing mesh (<see cref="IngressPorts"/>),
/// and docker_gwbridge's icc. Computed once per audit; null when the host shows nothing of swarm.
/// </summary>
public static class OverlayFacts
{
    public const string Gwbridge = "docker_gwbridge";

    private static readonly ConditionalWeakTable<AuditContext, StrongBox<OverlayReport?>> Cache = new();

    public static OverlayReport? Of(AuditContext context) => Cache.GetValue(context, c => new StrongBox<OverlayReport?>(Judge(c))).Value;

    private static OverlayReport? Judge(AuditContext context)
    {
        var analysis = context.Analysis();
        var inputs = analysis.Inputs;
        var view = inputs.View;
        var overlays = view.Networks.Where(n => n.Overlay is not null).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        var swarm = view.Swarm is { Active: true } s ? s : null;
        var gwbridge = analysis.Networks.FirstOrDefault(f => f.Network.Bridge == Gwbridge);
        if (swarm is null && overlays.Count == 0 && gwbridge is null) return null;

        var probe = new HostPathProbe(inputs);
        var node = swarm?.NodeAddress;
        var peers = (swarm?.RemoteManagers.Select(m => m.Address) ?? []).Concat(overlays.SelectMany(n => n.Overlay!.Peers))
            .Where(a => a != node).Distinct().Order().ToImmutableArray();
        var all = IntervalSet.Range(0, IpFamily.V4.AllOnes());
        var self = node is { } n ? IntervalSet.Single(n) : all;
        var others = peers.IsEmpty ? all : IntervalSet.FromValues(peers);
        var vxlanPort = swarm?.DataPathPort ?? SwarmInfo.DefaultDataPathPort;

        var ports = ImmutableArray.CreateBuilder<SwarmPortReport>();
        if (swarm is not null || overlays.Count > 0)
        {
            if (swarm?.Manager == true)
                ports.Add(Tcp(probe, SwarmInfo.DefaultControlPort, true, self, others, "cluster management (this node is a manager)"));
            var managers = swarm?.RemoteManagers.Where(m => m.Address != node).ToList() ?? [];
            foreach (var port in managers.Select(m => m.Port).Distinct().Order())
                ports.Add(Tcp(probe, port, false, self, IntervalSet.FromValues(managers.Where(m => m.Port == port).Select(m => m.Address)), "cluster management (to the managers)"));
            foreach (var inbound in new[] { true, false })
            {
                ports.Add(Tcp(probe, SwarmInfo.GossipPort, inbound, self, others, "node gossip"));
                ports.Add(Udp(probe, SwarmInfo.GossipPort, inbound, self, others, new VxlanPacket(null, null), "node gossip"));
            }

            var vxlans = overlays.Where(o => !o.Overlay!.Vnis.IsEmpty).ToList();
            foreach (var inbound in new[] { true, false })
            {
                foreach (var o in vxlans)
                    ports.Add(Vxlan(probe, o, vxlanPort, inbound, self, others));
                if (vxlans.Count == 0)
                    ports.Add(Udp(probe, vxlanPort, inbound, self, others, new VxlanPacket(null, null), "overlay data (VXLAN)"));
            }

            if (overlays.Any(o => o.Overlay!.Encrypted))
                foreach (var inbound in new[] { true, false })
                    ports.Add(Esp(probe, inbound, self, others));
        }

        var networks = overlays.Select(o => Network(probe, o, vxlanPort, self)).ToImmutableArray();
        var gwNetwork = inputs.Networks.FirstOrDefault(a => a.Bridge == Gwbridge);
        return new OverlayReport(
            swarm is null ? null : new SwarmNodeReport(swarm.LocalNodeState, swarm.Manager,
                node is { } address ? IpAddressValue.Format(address, IpFamily.V4) : null,
                [.. peers.Select(p => IpAddressValue.Format(p, IpFamily.V4))], vxlanPort, swarm.DataPathPort is null),
            ports.ToImmutable(),
            networks,
            gwNetwork is null ? [] : IngressPorts.Judge(inputs, analysis.Passes, gwNetwork),
            gwbridge is null ? null : new GwbridgeReport(view.Inferred ? null : gwbridge.Network.Network.EnableIcc, gwbridge.Icc.ToSetting(null)));
    }

    /// <summary>
    /// The ports this node's own connections leave from: Linux's default <c>ip_local_port_range</c>. Their
    /// replies arrive on them, so a rule that lets in replies to port 22 alone does not count.
    /// </summary>
    public static readonly IntervalSet LocalPorts = IntervalSet.Range(32768, 60999);

    /// <summary>Connections: the opening packets one way and the replies (ESTABLISHED) the other.</summary>
    private static SwarmPortReport Tcp(HostPathProbe probe, int port, bool inbound, IntervalSet self, IntervalSet others, string purpose)
    {
        var dport = IntervalSet.Single((UInt128)port);
        var none = new VxlanPacket(null, null);
        var answer = inbound
            ? probe.Ask(PacketPath.Input, none, Protocol.Tcp, null, dport, others, self, ConntrackStates.New, Dimension.Src)
                .And(probe.Ask(PacketPath.Output, none, Protocol.Tcp, dport, null, self, others, ConntrackStates.Established, Dimension.Dst))
            : probe.Ask(PacketPath.Output, none, Protocol.Tcp, LocalPorts, dport, self, others, ConntrackStates.New, Dimension.Dst)
                .And(probe.Ask(PacketPath.Input, none, Protocol.Tcp, dport, LocalPorts, others, self, ConntrackStates.Established, Dimension.Src));
        return Report("tcp", port, inbound, purpose, answer);
    }

    private static SwarmPortReport Udp(HostPathProbe probe, int port, bool inbound, IntervalSet self, IntervalSet others, VxlanPacket knowledge, string purpose)
    {
        var answer = Datagrams(probe, Protocol.Udp, port, inbound, self, others, knowledge);
        return Report("udp", port, inbound, purpose, answer);
    }

    private static PathAnswer Datagrams(HostPathProbe probe, int protocol, int? port, bool inbound, IntervalSet self, IntervalSet others, VxlanPacket knowledge)
    {
        var dport = port is { } p ? IntervalSet.Single((UInt128)p) : null;
        return inbound
            ? probe.Ask(PacketPath.Input, knowledge, protocol, null, dport, others, self, ConntrackStates.New, Dimension.Src)
            : probe.Ask(PacketPath.Output, knowledge, protocol, null, dport, self, others, ConntrackStates.New, Dimension.Dst);
    }

    /// <summary>
    /// One network's VXLAN: datagrams for each of its VNIs, in cleartext or (encrypted network, on the
    /// way in) decrypted by IPsec, which is how Docker's rules tell them apart.
    /// </summary>
    private static SwarmPortReport Vxlan(HostPathProbe probe, DockerNetwork network, int port, bool inbound, IntervalSet self, IntervalSet others)
    {
        var overlay = network.Overlay!;
        var answer = overlay.Vnis.Select(vni => Datagrams(probe, Protocol.Udp, port, inbound, self, others,
                new VxlanPacket(vni, inbound ? overlay.Encrypted : null)))
            .Aggregate((a, b) => a.And(b));
        return Report("udp", port, inbound, overlay.Encrypted ? "overlay data (VXLAN, decrypted from ESP)" : "overlay data (VXLAN)", answer) with { Network = network.Name };
    }

    private static SwarmPortReport Esp(HostPathProbe probe, bool inbound, IntervalSet self, IntervalSet others) =>
        Report("esp", null, inbound, "encrypted overlay data (IPsec ESP)", Datagrams(probe, Protocol.Esp, null, inbound, self, others, new VxlanPacket(null, null)));

    private static SwarmPortReport Report(string protocol, int? port, bool inbound, string purpose, PathAnswer answer) =>
        new(protocol, port, inbound ? "in" : "out", purpose, Word(answer.Verdict), answer.Evidence)
        {
            BlockedPeers = answer.BlockedPeers,
            Doubts = answer.Doubts,
        };

    /// <summary>An overlay network; for an encrypted one, whether cleartext VXLAN to its VNIs from anyone is dropped on the way in.</summary>
    private static OverlayNetworkReport Network(HostPathProbe probe, DockerNetwork network, int port, IntervalSet self)
    {
        var overlay = network.Overlay!;
        var report = new OverlayNetworkReport(network.Name, overlay.Vnis, overlay.Encrypted, overlay.Ingress);
        if (!overlay.Encrypted || overlay.Vnis.IsEmpty) return report;
        var anyone = IntervalSet.Range(0, IpFamily.V4.AllOnes());
        var answer = overlay.Vnis.Select(vni => Datagrams(probe, Protocol.Udp, port, true, self, anyone, new VxlanPacket(vni, false)))
            .Aggregate((a, b) => a.And(b));
        return report with
        {
            CleartextDropped = answer.Verdict switch
            {
                PathVerdict.Blocked => true,
                PathVerdict.Uncertain => null,
                _ => false,
            },
            DecidedBy = answer.Evidence,
            Doubts = answer.Doubts,
        };
    }

    public static string Word(PathVerdict verdict) => verdict switch
    {
        PathVerdict.Open => "open",
        PathVerdict.Blocked => "blocked",
        PathVerdict.Partial => "partial",
        _ => "uncertain",
    };
}
