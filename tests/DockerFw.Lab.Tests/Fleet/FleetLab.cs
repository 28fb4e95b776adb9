using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Fleet;

/// <summary>A dockerd "host" of the fleet lab: docker0 on its own <c>--bip</c>, its containers' MTU set when given.</summary>
public sealed class FleetHostDaemon(string bip, int? mtu = null, string? fixedCidr = null) : LabDaemon
{
    /// <summary>docker0's address; a change takes effect at the next <see cref="LabDaemon.Restart"/>.</summary>
    public string Bip { get; set; } = bip;

    protected override IEnumerable<string> DaemonFlags =>
    [
        "--bip", Bip,
        .. mtu is { } m ? ["--mtu", m.ToString(System.Globalization.CultureInfo.InvariantCulture)] : Array.Empty<string>(),
        .. fixedCidr is { } f ? ["--fixed-cidr", f] : Array.Empty<string>(),
    ];
}

/// <summary>How the lab's hosts carry each other's container subnets.</summary>
public enum FleetTransport
{
    /// <summary>A route via the peer's underlay address, as flannel's host-gw does.</summary>
    Routes,

    /// <summary>A route over a point-to-point VXLAN (udp/4789) between the underlay addresses: the routed setup with a tunnel.</summary>
    Vxlan,

    /// <summary>
    /// A point-to-point VXLAN that is a port of each host's docker0: one segment, 10.103.0.0/16 on both
    /// (a's containers from 10.103.100.0/24, b's from 10.103.200.0/24 by --fixed-cidr), bridged, not routed.
    /// </summary>
    BridgedVxlan,
}

/// <summary>
/// The routed setup, real: host a (docker0 10.103.100.1/24) and host b (10.103.200.1/24), each a
/// dockerd in its own namespace, joined by an underlay bridge in a third namespace (a veth
/// <c>under0</c> from each, 192.168.77.1 and .2), each routing the other's subnet to the other, each
/// letting the other's containers in (DOCKER-USER) and keeping its own traffic to them unmasqueraded
/// (nat POSTROUTING RETURN), one container on each (web on a, db on b). The kernel here has no GRE
/// (no ip_gre module) but has VXLAN: the hosts route via each other's underlay address
/// (<see cref="FleetTransport.Routes"/>), or over a VXLAN between them (<see cref="VxlanFleetLab"/>).
/// </summary>
public class FleetLab : IDisposable
{
    public const string SubnetA = "10.103.100.0/24", SubnetB = "10.103.200.0/24";
    public const string UnderA = "192.168.77.1", UnderB = "192.168.77.2";

    /// <summary>The VXLAN's device on each host, its VNI and UDP port, and its point-to-point addresses (the next hops).</summary>
    public const string VxlanDevice = "vxlan0", VxlanA = "10.15.0.1", VxlanB = "10.15.0.2";

    public const int Vni = 15, VxlanPort = 4789;

    /// <summary>The containers' MTU over the VXLAN: 1500 on the underlay less 50 bytes of encapsulation.</summary>
    public const int VxlanMtu = 1450;

    private static int counter;

    public FleetLab()
        : this(FleetTransport.Routes)
    {
    }

    protected FleetLab(FleetTransport transport)
    {
        Transport = transport;
        // Named like a lab's outside namespace (dfwlabo-PID-N) so that scripts/lab-cleanup.sh removes it
        // when a killed run leaves it behind.
        Underlay = $"dfwlabo-{Environment.ProcessId}-{9000 + Interlocked.Increment(ref counter)}";
        if (!LabDaemon.IsRoot) return;
        try
        {
            int? mtu = transport == FleetTransport.Routes ? null : VxlanMtu;
            var bridged = transport == FleetTransport.BridgedVxlan;
            A = bridged ? new FleetHostDaemon("10.103.100.1/16", mtu, SubnetA) : new FleetHostDaemon("10.103.100.1/24", mtu);
            B = bridged ? new FleetHostDaemon("10.103.200.1/16", mtu, SubnetB) : new FleetHostDaemon("10.103.200.1/24", mtu);
            Processes.Must("ip", "netns", "add", Underlay);
            InUnderlay("ip", "link", "set", "lo", "up");
            InUnderlay("ip", "link", "add", "ul0", "type", "bridge");
            InUnderlay("ip", "link", "set", "ul0", "up");
            Join(A, "ula", UnderA);
            Join(B, "ulb", UnderB);
            if (transport == FleetTransport.Vxlan)
            {
                Tunnel(A, UnderA, UnderB, VxlanA);
                Tunnel(B, UnderB, UnderA, VxlanB);
            }

            if (bridged)
            {
                // No route, no admin rule: Docker's own icc ACCEPT (-i docker0 -o docker0) takes the bridged frames.
                Tunnel(A, UnderA, UnderB, null);
                Tunnel(B, UnderB, UnderA, null);
            }
            else
            {
                RouteToB();
                RouteToA();
                AdminRules(A, SubnetA, SubnetB);
                AdminRules(B, SubnetB, SubnetA);
            }

            A.MustDocker("run", "-d", "--name", "web", LabDaemon.Image, "sleep", "3600");
            B.MustDocker("run", "-d", "--name", "db", LabDaemon.Image, "sleep", "3600");
            WebAddress = A.MustDocker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "web");
            DbAddress = B.MustDocker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "db");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public FleetTransport Transport { get; }

    public FleetHostDaemon A { get; } = null!;

    public FleetHostDaemon B { get; } = null!;

    public string Underlay { get; }

    public string WebAddress { get; } = "";

    public string DbAddress { get; } = "";

    /// <summary>The device each host's packets from the other's containers arrive on.</summary>
    public string PeerDevice => Transport == FleetTransport.Vxlan ? VxlanDevice : "under0";

    public string LetIn(string peerSubnet) => $"-s {peerSubnet} -i {PeerDevice} -o docker0 -j ACCEPT";

    public static string Unmasqueraded(string own, string peer) => $"-s {own} -d {peer} -j RETURN";

    /// <summary>a's route to b's subnet: via b's underlay address, or via b's end of the VXLAN.</summary>
    public void RouteToB() =>
        A.MustInLab("ip", "route", "add", SubnetB, "via", Transport == FleetTransport.Vxlan ? VxlanB : UnderB, "dev", PeerDevice);

    public void RouteToA() =>
        B.MustInLab("ip", "route", "add", SubnetA, "via", Transport == FleetTransport.Vxlan ? VxlanA : UnderA, "dev", PeerDevice);

    /// <summary>Both hosts' tunnel device (<see cref="VxlanDevice"/>) at <paramref name="mtu"/>.</summary>
    public void SetTunnelMtu(int mtu)
    {
        foreach (var host in new[] { A, B })
            host.MustInLab("ip", "link", "set", VxlanDevice, "mtu", mtu.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>One datagram of <paramref name="size"/> bytes with DF set from web (on a) to db (on b): whether it arrived.</summary>
    public bool DatagramArrives(int size) => DontFragmentProbe.Arrives(NetnsOf(A, "web"), NetnsOf(B, "db"), DbAddress, size);

    /// <summary>The network namespace of a container (its first process's), for sockets opened inside it.</summary>
    public static string NetnsOf(FleetHostDaemon host, string container) =>
        $"/proc/{host.MustDocker("inspect", "-f", "{{.State.Pid}}", container)}/ns/net";

    private void AdminRules(FleetHostDaemon host, string own, string peer)
    {
        host.MustInLab(["iptables", "-I", "DOCKER-USER", .. LetIn(peer).Split(' ')]);
        host.MustInLab(["iptables", "-t", "nat", "-I", "POSTROUTING", .. Unmasqueraded(own, peer).Split(' ')]);
    }

    private void Join(FleetHostDaemon host, string port, string address)
    {
        host.MustInLab("ip", "link", "add", "under0", "type", "veth", "peer", "name", port, "netns", Underlay);
        host.MustInLab("ip", "addr", "add", address + "/24", "dev", "under0");
        host.MustInLab("ip", "link", "set", "under0", "up");
        InUnderlay("ip", "link", "set", port, "master", "ul0");
        InUnderlay("ip", "link", "set", port, "up");
    }

    // A point-to-point VXLAN: every frame goes to the one remote (the all-zero FDB entry), out of under0;
    // with an address, routed into; without, a port of docker0.
    private static void Tunnel(FleetHostDaemon host, string local, string remote, string? address)
    {
        host.MustInLab("ip", "link", "add", VxlanDevice, "type", "vxlan", "id", Vni.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "remote", remote, "local", local, "dstport", VxlanPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "dev", "under0");
        if (address is null) host.MustInLab("ip", "link", "set", VxlanDevice, "master", "docker0");
        else host.MustInLab("ip", "addr", "add", address + "/30", "dev", VxlanDevice);
        host.MustInLab("ip", "link", "set", VxlanDevice, "up");
    }

    private void InUnderlay(params string[] arguments) => Processes.Must("ip", ["netns", "exec", Underlay, .. arguments]);

    /// <summary>
    /// With the tunnel's packets dropped into b, a's answers to b's ARP ride the tunnel too and die with
    /// it: db could not send to a at all, which fleet (new connections, not neighbour discovery) does not
    /// judge. db's next hop towards web (a's end of the VXLAN, or web itself on the bridged segment) is
    /// pinned in the namespace that asks for it while <paramref name="traffic"/> runs.
    /// </summary>
    public void WithBsNeighbourPinned(Action traffic)
    {
        var (netns, address, device, mac) = Transport == FleetTransport.BridgedVxlan
            ? (NetnsOf(B, "db"), WebAddress, "eth0", A.MustDocker("inspect", "-f", "{{.NetworkSettings.MacAddress}}", "web"))
            : ($"/var/run/netns/{B.Netns}", VxlanA, VxlanDevice, System.Text.Json.JsonDocument.Parse(A.MustInLab("ip", "-j", "link", "show", VxlanDevice)).RootElement[0].GetProperty("address").GetString()!);
        Processes.Must("nsenter", $"--net={netns}", "ip", "neigh", "replace", address, "lladdr", mac, "dev", device, "nud", "permanent");
        try
        {
            traffic();
        }
        finally
        {
            Processes.Run("nsenter", [$"--net={netns}", "ip", "neigh", "del", address, "dev", device]);
        }
    }

    /// <summary>One real echo request from a container to an address and its answer.</summary>
    public static bool Ping(FleetHostDaemon host, string container, string address) =>
        host.Docker("exec", container, "ping", "-c", "1", "-W", "2", address).Ok;

    public void Dispose()
    {
        A?.Dispose();
        B?.Dispose();
        if (LabDaemon.IsRoot) Processes.Run("ip", ["netns", "delete", Underlay]);
        GC.SuppressFinalize(this);
    }
}

/// <summary>The routed setup over a VXLAN between the hosts (<see cref="FleetTransport.Vxlan"/>), containers on MTU 1450.</summary>
public sealed class VxlanFleetLab() : FleetLab(FleetTransport.Vxlan);

/// <summary>Both docker0 bridged by a VXLAN port of each (<see cref="FleetTransport.BridgedVxlan"/>), containers on MTU 1450.</summary>
public sealed class BridgedVxlanFleetLab() : FleetLab(FleetTransport.BridgedVxlan);
