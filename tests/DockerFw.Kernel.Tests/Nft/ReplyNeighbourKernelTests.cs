using System.Diagnostics;
using System.Text.Json;
using DockerFw.Cli;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// Oracle F26's remainder (seed 563) with real packets: a server on two IPv6 networks (front
/// fd00:a::2 on bra, back fd00:b::2 on brb) and a client on back alone (fd00:b::3). The client
/// reaches the server's front address through the host; the server answers from its back endpoint,
/// switched on brb, and must first find the client's link there: a solicitation of its own (from its
/// link-local address: the answer's source is not an address of that interface) and the client's
/// advertisement, which br_netfilter hands to ip6tables' FORWARD. A FORWARD as ufw's (policy DROP,
/// echo and TCP accepted, neighbour discovery not) lets the request through and kills the connection;
/// the container matrix must say so, and say "connection" once neighbour discovery passes.
/// </summary>
public sealed class ReplyNeighbourKernelTests
{
    private const string Rules = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -p tcp -j ACCEPT
        -A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT
        {0}
        COMMIT

        """;

    private const string NeighbourDiscovery = "-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT\n-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 136 -j ACCEPT";

    [KernelFact]
    public void A_reply_switched_on_the_clients_bridge_needs_the_servers_own_neighbour_discovery_there()
    {
        using var lab = new TwoBridges();

        lab.Load(string.Format(System.Globalization.CultureInfo.InvariantCulture, Rules, ""));
        Assert.False(lab.Connects("client", "fd00:a::2", 80), "the server cannot find the client on brb: no answer leaves it");
        var blocked = lab.Entry("fd00:b::3", "fd00:a::2");
        Assert.DoesNotContain(blocked.Flows, f => f.Kind == "connection");
        Assert.Contains("neighbour discovery", blocked.ReplyWay, StringComparison.Ordinal);

        lab.Load(string.Format(System.Globalization.CultureInfo.InvariantCulture, Rules, NeighbourDiscovery));
        Assert.True(lab.Connects("client", "fd00:a::2", 80), "with neighbour discovery through FORWARD the server answers on brb");
        var open = lab.Entry("fd00:b::3", "fd00:a::2");
        Assert.Contains(open.Flows, f => f is { Kind: "connection", Possible: false } && f.Protocol == "tcp");
    }

    private sealed record Flow(string Protocol, string Kind, bool Possible);

    private sealed record Entry(IReadOnlyList<Flow> Flows, string? ReplyWay);

    /// <summary>The host (bra, brb, IPv6 forwarding, br_netfilter), the server on both bridges, the client on brb; all removed at the end.</summary>
    private sealed class TwoBridges : IDisposable
    {
        private readonly string id = $"dfwrn-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        private readonly string docker;
        private readonly Process listener;

        public TwoBridges()
        {
            docker = Path.Combine(Directory.CreateTempSubdirectory("dfw-rn-").FullName, "docker.json");
            File.WriteAllText(docker, DockerJson);
            try
            {
                foreach (var ns in new[] { Host, Ns("server"), Ns("client") })
                {
                    Processes.Must("ip", "netns", "add", ns);
                    Processes.Must("ip", "-n", ns, "link", "set", "lo", "up");
                }

                Processes.Must("ip", "netns", "exec", Host, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1", "net.bridge.bridge-nf-call-ip6tables=1");
                foreach (var (bridge, gateway) in new[] { ("bra", "fd00:a::1/64"), ("brb", "fd00:b::1/64") })
                {
                    Processes.Must("ip", "-n", Host, "link", "add", bridge, "type", "bridge");
                    Processes.Must("ip", "-n", Host, "addr", "add", gateway, "dev", bridge, "nodad");
                    Processes.Must("ip", "-n", Host, "link", "set", bridge, "up");
                }

                Attach("server", "eth0", "bra", "fd00:a::2");
                Attach("server", "eth1", "brb", "fd00:b::2");
                Attach("client", "eth0", "brb", "fd00:b::3");
                // The server's default route is front's (its reply to the client is still brb's: a connected subnet).
                Processes.Must("ip", "-n", Ns("server"), "-6", "route", "add", "default", "via", "fd00:a::1");
                Processes.Must("ip", "-n", Ns("client"), "-6", "route", "add", "default", "via", "fd00:b::1");
                listener = Processes.Start("ip", ["netns", "exec", Ns("server"), "nc", "-6", "-l", "-k", "80"]);
                for (var i = 0; i < 50 && Processes.Run("ip", ["netns", "exec", Ns("server"), "nc", "-6", "-z", "-w", "1", "::1", "80"]).ExitCode != 0; i++) Thread.Sleep(100);
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        private string Host => id + "-h";

        private string Ns(string label) => $"{id}-{label}";

        private void Attach(string label, string device, string bridge, string address)
        {
            var port = $"v{label[0]}{device[^1]}";
            Processes.Must("ip", "-n", Host, "link", "add", port, "type", "veth", "peer", "name", device, "netns", Ns(label));
            Processes.Must("ip", "-n", Host, "link", "set", port, "master", bridge, "up");
            Processes.Must("ip", "-n", Ns(label), "addr", "add", address + "/64", "dev", device, "nodad");
            Processes.Must("ip", "-n", Ns(label), "link", "set", device, "up");
        }

        /// <summary>Loads ip6tables rules in the host and forgets every neighbour, so each step finds its links again.</summary>
        public void Load(string rules)
        {
            Processes.Run("ip", ["netns", "exec", Host, "ip6tables-restore"], stdin: rules).EnsureOk();
            foreach (var (label, device) in new[] { ("server", "eth0"), ("server", "eth1"), ("client", "eth0") })
                Processes.Must("ip", "-n", Ns(label), "-6", "neigh", "flush", "dev", device);
            foreach (var bridge in new[] { "bra", "brb" }) Processes.Must("ip", "-n", Host, "-6", "neigh", "flush", "dev", bridge);
            // Link-local addresses are ready once DAD is done.
            Thread.Sleep(2500);
        }

        public bool Connects(string from, string address, int port) =>
            Processes.Run("ip", ["netns", "exec", Ns(from), "nc", "-6", "-z", "-w", "2", address, port.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ExitCode == 0;

        /// <summary>The container matrix's entry from one address to another, by the audit of the live host.</summary>
        public Entry Entry(string from, string to)
        {
            var (output, error) = (new StringWriter { NewLine = "\n" }, new StringWriter { NewLine = "\n" });
            var exit = DockerFwApp.Run(["audit", "--format", "json", "--containers", "--netns", Host, "--docker", docker], new StandardStreams(new StringReader(""), output, error), null);
            Assert.True(exit is 0 or 1, $"audit exited {exit}: {error}");
            var entry = JsonDocument.Parse(output.ToString()).RootElement.GetProperty("containers_reachability").EnumerateArray()
                .Single(e => e.GetProperty("from_address").GetString() == from && e.GetProperty("to_address").GetString() == to);
            return new Entry(
                [.. entry.GetProperty("flows").EnumerateArray().Select(f => new Flow(f.GetProperty("protocol").GetString()!, f.GetProperty("kind").GetString()!, f.GetProperty("possible").GetBoolean()))],
                entry.TryGetProperty("reply_way", out var way) && way.ValueKind == JsonValueKind.String ? way.GetString() : null);
        }

        public void Dispose()
        {
            if (listener is not null)
            {
                listener.Kill(entireProcessTree: true);
                listener.WaitForExit();
                listener.Dispose();
            }

            foreach (var ns in new[] { Host, Ns("server"), Ns("client") }) Processes.Run("ip", ["netns", "delete", ns]);
            Directory.Delete(Path.GetDirectoryName(docker)!, recursive: true);
        }

        // Docker's view: front and back dual-stack, the server on both, the client on back.
        private const string DockerJson = """
            [
              {"Name": "front", "Id": "f1", "Driver": "bridge", "EnableIPv6": true,
               "IPAM": {"Config": [{"Subnet": "10.88.1.0/24", "Gateway": "10.88.1.1"}, {"Subnet": "fd00:a::/64", "Gateway": "fd00:a::1"}]},
               "Options": {"com.docker.network.bridge.name": "bra"}},
              {"Name": "back", "Id": "b1", "Driver": "bridge", "EnableIPv6": true,
               "IPAM": {"Config": [{"Subnet": "10.88.2.0/24", "Gateway": "10.88.2.1"}, {"Subnet": "fd00:b::/64", "Gateway": "fd00:b::1"}]},
               "Options": {"com.docker.network.bridge.name": "brb"}},
              {"Name": "/server", "Id": "s1", "State": {"Running": true}, "HostConfig": {"NetworkMode": "front"},
               "NetworkSettings": {"Networks": {
                 "front": {"NetworkID": "f1", "IPAddress": "10.88.1.2", "GlobalIPv6Address": "fd00:a::2"},
                 "back": {"NetworkID": "b1", "IPAddress": "10.88.2.2", "GlobalIPv6Address": "fd00:b::2"}}}},
              {"Name": "/client", "Id": "c1", "State": {"Running": true}, "HostConfig": {"NetworkMode": "back"},
               "NetworkSettings": {"Networks": {"back": {"NetworkID": "b1", "IPAddress": "10.88.2.3", "GlobalIPv6Address": "fd00:b::3"}}}}
            ]
            """;
    }
}
