using System.Diagnostics;
using System.Text.RegularExpressions;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Harness;

/// <summary>
/// A Docker-like host of a test's own: the router namespace with an uplink (<c>uplink0</c>,
/// 10.214.1.1, the outside host 10.214.1.2 behind it) and a bridge (<c>br0</c>, 10.214.3.1/24,
/// br_netfilter on) holding the server (10.214.3.2) and the client (10.214.3.3). The server and the
/// outside host listen on TCP port 80 and count, in their own INPUT, the SYNs and the UDP datagrams to
/// port 5353 that reach them. Everything is removed at the end (the listeners by their process).
/// </summary>
internal sealed class BridgeHost : IDisposable
{
    private readonly Netns _router, _outside, _server, _client;
    private readonly List<Process> _listeners = [];

    public BridgeHost()
    {
        _router = Netns.Create();
        _outside = Netns.Create();
        _server = Netns.Create();
        _client = Netns.Create();
        try
        {
            _router.ExecWithInput("""
                set -e
                sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
                ip link add br0 type bridge
                ip addr add 10.214.3.1/24 dev br0
                ip link set br0 up
                """, "sh").EnsureOk();
            RoutedPeer.Link(_router, "uplink0", "10.214.1.1/24", _outside, ["10.214.1.2/24"], "10.214.1.1");
            Attach(_server, "vs", "10.214.3.2");
            Attach(_client, "vc", "10.214.3.3");
            foreach (var ns in new[] { _outside, _server })
            {
                ns.ExecWithInput("""
                    set -e
                    iptables -A INPUT -p tcp --dport 80 --tcp-flags SYN,ACK SYN
                    iptables -A INPUT -p udp --dport 5353
                    """, "sh").EnsureOk();
                var listener = Processes.Start("ip", ["netns", "exec", ns.Name, "nc", "-l", "-k", "80"]);
                _listeners.Add(listener);
                for (var i = 0; i < 50 && ns.Exec("nc", "-z", "-w", "1", "127.0.0.1", "80").ExitCode != 0; i++) Thread.Sleep(100);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Loads iptables-save text into the router.</summary>
    public void Load(string rules)
    {
        var load = _router.ExecWithInput(rules, "iptables-restore");
        Assert.True(load.ExitCode == 0, load.Error);
    }

    /// <summary>Zeroes the counters of the far ends' INPUT rules.</summary>
    public void ZeroCounters()
    {
        foreach (var ns in new[] { _outside, _server }) ns.Exec("iptables", "-Z", "INPUT").EnsureOk();
    }

    /// <summary>Whether a TCP connection from <paramref name="from"/> (outside, client) to port 80 completes (its first try may wait for the neighbours).</summary>
    public bool Connects(string from, string to)
    {
        for (var attempt = 0; attempt < 2; attempt++)
            if (Ns(from).ExecBounded(TimeSpan.FromSeconds(10), "nc", "-z", "-w", "2", to, "80").ExitCode == 0) return true;
        return false;
    }

    /// <summary>The SYNs to port 80 that reached <paramref name="at"/> (outside, server) since the counters were zeroed.</summary>
    public long SynsArrived(string at) => Counted(Ns(at), "tcp");

    /// <summary>Whether a UDP datagram from <paramref name="from"/> to port 5353 of <paramref name="to"/> arrives (three tries).</summary>
    public bool DatagramArrives(string from, string to)
    {
        var at = to == "10.214.1.2" ? _outside : _server;
        at.Exec("iptables", "-Z", "INPUT").EnsureOk();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Ns(from).ExecBounded(TimeSpan.FromSeconds(10), "sh", "-c", $"echo x | nc -u -w 1 {to} 5353");
            if (Counted(at, "udp") > 0) return true;
        }

        return false;
    }

    private static long Counted(Netns ns, string protocol)
    {
        var listing = ns.Exec("iptables", "-L", "INPUT", "-v", "-x", "-n").EnsureOk().Out;
        // The protocol column may be a number (iptables-nft writes 6 and 17): the rule is told by its port.
        var port = protocol == "tcp" ? "dpt:80" : "dpt:5353";
        var line = listing.Split('\n').Single(l => l.Contains(port, StringComparison.Ordinal));
        return long.Parse(Regex.Match(line, @"^\s*(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private Netns Ns(string label) => label switch
    {
        "outside" => _outside,
        "server" => _server,
        _ => _client,
    };

    private void Attach(Netns peer, string port, string address)
    {
        _router.Exec("ip", "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", peer.Name).EnsureOk();
        _router.Exec("ip", "link", "set", port, "master", "br0", "up").EnsureOk();
        peer.ExecWithInput($"""
            set -e
            ip addr add {address}/24 dev eth0
            ip link set eth0 up
            ip route add default via 10.214.3.1
            """, "sh").EnsureOk();
    }

    public void Dispose()
    {
        foreach (var listener in _listeners)
        {
            listener.Kill(entireProcessTree: true);
            listener.WaitForExit();
            listener.Dispose();
        }

        foreach (var ns in new[] { _client, _server, _outside, _router }) ns?.Dispose();
    }
}
