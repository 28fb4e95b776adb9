using System.Net;

namespace DockerFw.Kernel.Tests.Harness;

/// <summary>
/// A router namespace with two routed links (<c>r1</c> to a, <c>r2</c> to b) and a bridge
/// (<c>br0</c>, ports <c>vb1</c>..<c>vb3</c> to c, d, e) whose same-bridge traffic br_netfilter hands
/// to iptables. Every endpoint drops whatever reaches it in raw PREROUTING, so a probe is exactly
/// one packet and nothing answers it; the router cannot send anything of its own
/// either (a policy route makes its locally generated traffic unroutable), except probes sent from
/// <see cref="RouterProbeSource"/>. So the only counters that move are the probe's.
/// </summary>
internal sealed class Topology : IDisposable
{
    public const string Bridge = "br0";
    public static readonly IPAddress RouterProbeSource = IPAddress.Parse("10.201.9.1");

    private int _nextPort = 20000;

    /// <summary>Packets each router port had sent at the last look (see <see cref="KernelProbe"/>).</summary>
    internal IReadOnlyDictionary<string, ulong> LastTransmitted { get; set; } = new Dictionary<string, ulong>();

    public Netns Router { get; }
    public IReadOnlyList<Endpoint> Endpoints { get; }

    /// <summary>The router's addresses by interface (the host's addresses for the engine).</summary>
    public IReadOnlyList<(string Interface, IPAddress Address, int Prefix)> RouterAddresses { get; } =
    [
        ("r1", IPAddress.Parse("10.201.1.1"), 24),
        ("r2", IPAddress.Parse("10.201.2.1"), 24),
        (Bridge, IPAddress.Parse("10.201.3.1"), 24),
        ("lo", IPAddress.Parse("127.0.0.1"), 8),
        ("lo", RouterProbeSource, 32),
    ];

    private Topology(Netns router, IReadOnlyList<Endpoint> endpoints) => (Router, Endpoints) = (router, endpoints);

    public Endpoint this[string label] => Endpoints.Single(e => e.Label == label);

    public static Topology Create() => Create(Netns.Prefix);

    public static Topology Create(string prefix)
    {
        var router = Netns.Create(prefix);
        var endpoints = new List<Endpoint>();
        try
        {
            ConfigureRouter(router);
            endpoints.Add(Attach(router, prefix, "a", "r1", "10.201.1.2", "10.201.1.1", bridged: false));
            endpoints.Add(Attach(router, prefix, "b", "r2", "10.201.2.2", "10.201.2.1", bridged: false));
            endpoints.Add(Attach(router, prefix, "c", "vb1", "10.201.3.2", "10.201.3.1", bridged: true));
            endpoints.Add(Attach(router, prefix, "d", "vb2", "10.201.3.3", "10.201.3.1", bridged: true));
            endpoints.Add(Attach(router, prefix, "e", "vb3", "10.201.3.4", "10.201.3.1", bridged: true));
            var topology = new Topology(router, endpoints);
            topology.Settle();
            return topology;
        }
        catch
        {
            foreach (var endpoint in endpoints) endpoint.Netns.Dispose();
            router.Dispose();
            throw;
        }
    }

    private readonly HashSet<int> _claimedPorts = [];

    /// <summary>A fresh source port per probe, so each probe is a new conntrack entry (state NEW).</summary>
    public int NextSourcePort()
    {
        int port;
        do port = Interlocked.Increment(ref _nextPort);
        while (!ClaimSourcePort(port));
        return port;
    }

    /// <summary>Reserves a source port chosen elsewhere; false when a probe already used it.</summary>
    public bool ClaimSourcePort(int port)
    {
        lock (_claimedPorts) return _claimedPorts.Add(port);
    }

    private static void ConfigureRouter(Netns router)
    {
        if (!router.Exec("test", "-d", "/proc/sys/net/bridge").Ok)
            throw new InvalidOperationException(
                "/proc/sys/net/bridge is missing in a fresh namespace: load br_netfilter (`modprobe br_netfilter`) for the kernel tests");
        Sh(router, """
            sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
            sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0
            sysctl -qw net.bridge.bridge-nf-call-iptables=1
            ip addr add 10.201.9.1/32 dev lo
            ip link add br0 address 02:00:00:00:03:01 type bridge
            ip addr add 10.201.3.1/24 dev br0
            ip link set br0 up
            nft -f - <<'NFT'
            table ip dfwk {
                counter delivered { }
                # nat chains only see packets that conntrack tracks; iptables-nft rules alone do not
                # switch it on in a new namespace, this expression does.
                chain conntrack {
                    type filter hook prerouting priority -400;
                    ct state new
                }
                # Runs after every iptables INPUT chain: what gets here was delivered locally.
                chain delivered {
                    type filter hook input priority 1000;
                    counter name "delivered"
                }
            }
            NFT
            """);
    }

    private static Endpoint Attach(Netns router, string prefix, string label, string port, string address, string gateway, bool bridged)
    {
        var netns = Netns.Create(prefix);
        try
        {
            var mac = MacOf(IPAddress.Parse(address));
            router.Exec("ip", "link", "add", port, "address", bridged ? PortMac(port) : MacOf(IPAddress.Parse(gateway)),
                "type", "veth", "peer", "name", "eth0", "address", mac, "netns", netns.Name).EnsureOk();
            // Fixed neighbours and bridge ports: no ARP and no flooding, so a probe crosses at once
            // and reaches only its destination.
            Sh(router, bridged
                ? $"ip link set {port} master br0 up\nbridge fdb replace {mac} dev {port} master static\nip neigh replace {address} lladdr {mac} dev br0 nud permanent"
                : $"ip addr add {gateway}/24 dev {port}\nip link set {port} up\nip neigh replace {address} lladdr {mac} dev {port} nud permanent");
            Sh(netns, $"""
                sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
                ip addr add {address}/24 dev eth0
                ip link set eth0 up
                ip route add default via {gateway}
                ip neigh replace {gateway} lladdr {MacOf(IPAddress.Parse(gateway))} dev eth0 nud permanent
                iptables -t raw -A PREROUTING -j DROP
                """);
            return new Endpoint(label, netns, IPAddress.Parse(address), port, bridged);
        }
        catch
        {
            netns.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Introduces the bridge's hosts to each other, waits out the IGMP reports that follow a link
    /// coming up, then cuts the router's own traffic off.
    /// </summary>
    private void Settle()
    {
        foreach (var endpoint in Endpoints.Where(e => e.Bridged))
        {
            var peers = Endpoints.Where(e => e.Bridged && e != endpoint)
                .Select(e => $"ip neigh replace {e.Address} lladdr {MacOf(e.Address)} dev eth0 nud permanent");
            Sh(endpoint.Netns, string.Join('\n', peers));
        }
        Thread.Sleep(TimeSpan.FromSeconds(2.5));
        Sh(Router, """
            ip rule add iif lo from 10.201.9.1 lookup main pref 50
            ip rule add iif lo lookup 100 pref 100
            ip route add unreachable default table 100
            """);
    }

    /// <summary>Every address of the topology owns a MAC made from it: 10.201.S.H is 02:00:00:00:S:H (hex).</summary>
    private static string MacOf(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return $"02:00:00:00:{bytes[2]:x2}:{bytes[3]:x2}";
    }

    private static string PortMac(string port) => $"02:00:00:00:13:{int.Parse(port[2..]):x2}";

    internal static void Sh(Netns netns, string script) =>
        netns.Exec("sh", "-e", "-c", script).EnsureOk();

    public void Dispose()
    {
        foreach (var endpoint in Endpoints) endpoint.Netns.Dispose();
        Router.Dispose();
    }
}
