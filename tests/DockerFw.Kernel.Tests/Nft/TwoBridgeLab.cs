using System.Diagnostics;
using System.Text.Json;
using DockerFw.Cli;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Nft;

internal sealed record Flow(string Protocol, string Kind, bool Possible);

internal sealed record Entry(IReadOnlyList<Flow> Flows, string? ReplyWay);

/// <summary>
/// Oracle F26's and F36's host: bra (front, fd00:a::/64) and brb (back, fd00:b::/64) with IPv6
/// forwarding and br_netfilter, a server on both bridges (fd00:a::2, fd00:b::2), a client on back
/// alone (fd00:b::3), and Docker's view of them; all removed at the end.
/// </summary>
internal sealed class TwoBridgeLab : IDisposable
{
    private readonly string id = $"dfwrn-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
    private readonly string docker;
    private readonly Process listener;

    public TwoBridgeLab()
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
    public void LoadIp6tables(string rules)
    {
        Processes.Run("ip", ["netns", "exec", Host, "ip6tables-restore"], stdin: rules).EnsureOk();
        ForgetNeighbours();
    }

    /// <summary>Replaces the host's nft ruleset with <paramref name="ruleset"/> (nft -f input) and forgets every neighbour.</summary>
    public void LoadNft(string ruleset)
    {
        Processes.Run("ip", ["netns", "exec", Host, "nft", "-f", "-"], stdin: "flush ruleset\n" + ruleset).EnsureOk();
        ForgetNeighbours();
    }

    private void ForgetNeighbours()
    {
        foreach (var (label, device) in new[] { ("server", "eth0"), ("server", "eth1"), ("client", "eth0") })
            Processes.Must("ip", "-n", Ns(label), "-6", "neigh", "flush", "dev", device);
        foreach (var bridge in new[] { "bra", "brb" }) Processes.Must("ip", "-n", Host, "-6", "neigh", "flush", "dev", bridge);
        // Link-local addresses are ready once DAD is done.
        Thread.Sleep(2500);
    }

    /// <summary>Whether <paramref name="from"/>'s echo requests to <paramref name="address"/> are answered.</summary>
    public bool Echoes(string from, string address) =>
        Processes.Run("ip", ["netns", "exec", Ns(from), "busybox", "ping", "-6", "-c", "2", "-W", "1", address]).ExitCode == 0;

    /// <summary>The packets counted by the host's nft rules whose text holds <paramref name="marker"/> (a comment).</summary>
    public long Counted(string marker) =>
        JsonDocument.Parse(Processes.Must("ip", "netns", "exec", Host, "nft", "-j", "list", "ruleset")).RootElement.GetProperty("nftables").EnumerateArray()
            .Where(e => e.TryGetProperty("rule", out var r) && r.TryGetProperty("comment", out var c) && c.GetString() == marker)
            .Sum(e => e.GetProperty("rule").GetProperty("expr").EnumerateArray().Where(x => x.TryGetProperty("counter", out _))
                .Sum(x => x.GetProperty("counter").GetProperty("packets").GetInt64()));

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

    /// <summary>The messages of the live host's findings under <c>audit --policy</c> (its rules, addresses and routes as live mode reads them).</summary>
    public IReadOnlyList<string> PolicyFindings(string policy)
    {
        var file = Path.Combine(Path.GetDirectoryName(docker)!, "p.policy");
        File.WriteAllText(file, policy);
        var (output, error) = (new StringWriter { NewLine = "\n" }, new StringWriter { NewLine = "\n" });
        var exit = DockerFwApp.Run(["audit", "--format", "json", "--netns", Host, "--docker", docker, "--policy", file], new StandardStreams(new StringReader(""), output, error), null);
        Assert.True(exit is 0 or 1, $"audit exited {exit}: {error}");
        return [.. JsonDocument.Parse(output.ToString()).RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("message").GetString()!)];
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
