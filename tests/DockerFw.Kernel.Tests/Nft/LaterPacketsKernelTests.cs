using System.Text.Json;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// Oracle F38 with real packets, on Docker 29's nftables host (web 192.0.2.2, api .3, db .4 on
/// bridge1; 8080 published to web:80; a client outside at 203.0.113.2): once a reply is seen,
/// conntrack marks the requests' later packets ESTABLISHED, the request's way too. A guard that drops
/// those to web:80 and db's to web over ICMP lets every SYN through and its SYN,ACK back (nc -z
/// connects) and no data in, and answers only db's first echo request. The audit must say
/// opening-only (container matrix, icc) and later_dropped (the published port), where it said
/// "connection": judged by the opening and its replies alone.
/// </summary>
public sealed class LaterPacketsKernelTests
{
    private const string Guard = """
        table ip laterguard {
            chain forward {
                type filter hook forward priority -1; policy accept;
                ip daddr 192.0.2.2 tcp dport 80 ct state established drop
                ip saddr 192.0.2.4 ip daddr 192.0.2.2 meta l4proto icmp ct state established drop
            }
        }
        """;

    // web listens on nothing of the fixture's: each test's own listener reads what arrives on 80.
    private static NftHost Host() => new("moby29-nftables-usernet-portmap.nft",
        [new NftBridge("bridge1", "192.0.2.1/24", [("web", NftHost.Web, []), ("api", NftHost.Api, []), ("db", NftHost.Db, [])])], NftHost.DockerJson);

    /// <summary>What web's listener on 80 receives when <paramref name="from"/> sends "hello" to the address and port.</summary>
    private static string Received(NftHost host, string from, string address, int port)
    {
        using var listener = Processes.Start("ip", ["netns", "exec", host.Ns("web"), "timeout", "4", "nc", "-l", "80"]);
        Thread.Sleep(300);
        Processes.Run("ip", ["netns", "exec", host.Ns(from), "sh", "-c", $"printf hello | timeout 3 nc -N -w2 {address} {port}"], TimeSpan.FromSeconds(6));
        listener.WaitForExit();
        return listener.StandardOutput.ReadToEnd();
    }

    /// <summary>How many of three echo requests from <paramref name="from"/> are answered.</summary>
    private static int Answered(NftHost host, string from, string address)
    {
        var ping = Processes.Run("ip", ["netns", "exec", host.Ns(from), "busybox", "ping", "-c", "3", "-i", "0.3", "-W", "1", address], TimeSpan.FromSeconds(10));
        var line = ping.Out.Split('\n').First(l => l.Contains("received", StringComparison.Ordinal));
        return int.Parse(line.Split(',')[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static JsonElement Audit(NftHost host) =>
        JsonDocument.Parse(host.Dockerfw("", "audit", "--format", "json", "--containers").Out).RootElement;

    private static IEnumerable<JsonElement> Flows(JsonElement audit, string from, string to) => audit.GetProperty("containers_reachability").EnumerateArray()
        .Single(e => e.GetProperty("from_address").GetString() == from && e.GetProperty("to_address").GetString() == to).GetProperty("flows").EnumerateArray();

    // A flow's protocols: "all", a list, or "all but" a list (flows that differ only by protocol are one since b85efe8).
    private static bool Holds(JsonElement flow, string protocol) =>
        flow.GetProperty("protocol").GetString() is { } p && (p == "all"
            || (p.StartsWith("all but ", StringComparison.Ordinal) ? !p["all but ".Length..].Split(',').Contains(protocol) : p.Split(',').Contains(protocol)));

    [KernelFact]
    public void Without_the_guard_a_connection_carries_data_and_every_echo_is_answered_as_the_audit_says()
    {
        using var host = Host();

        Assert.Equal("hello", Received(host, "db", NftHost.Web, 80));
        Assert.Equal("hello", Received(host, "out", NftHost.HostAddress, 8080));
        Assert.Equal(3, Answered(host, "db", NftHost.Web));

        var audit = Audit(host);
        Assert.All(Flows(audit, NftHost.Db, NftHost.Web), f => Assert.Equal("connection", f.GetProperty("kind").GetString()));
        Assert.False(audit.GetProperty("published_ports").EnumerateArray().Single().TryGetProperty("later_dropped", out _));
    }

    [KernelFact]
    public void Where_the_later_packets_die_the_handshake_completes_no_data_follows_and_the_audit_says_opening_only()
    {
        using var host = Host();
        host.Nft(Guard);

        using (var listener = Processes.Start("ip", ["netns", "exec", host.Ns("web"), "timeout", "3", "nc", "-l", "80"]))
        {
            Thread.Sleep(300);
            Assert.True(host.Connects("db", NftHost.Web, 80), "the SYN passes and the SYN,ACK comes back: connect() succeeds");
            listener.WaitForExit();
        }

        Assert.Equal("", Received(host, "db", NftHost.Web, 80));
        Assert.Equal("", Received(host, "out", NftHost.HostAddress, 8080));
        Assert.Equal(1, Answered(host, "db", NftHost.Web));

        var audit = Audit(host);
        var flows = Flows(audit, NftHost.Db, NftHost.Web).ToList();
        Assert.Contains(flows, f => Holds(f, "tcp") && f.GetProperty("ports").GetString() == "80" && f.GetProperty("kind").GetString() == "opening-only");
        Assert.Contains(flows, f => Holds(f, "icmp") && f.GetProperty("kind").GetString() == "opening-only");
        Assert.DoesNotContain(flows, f => Holds(f, "tcp") && f.GetProperty("ports").GetString() == "80" && f.GetProperty("kind").GetString() == "connection");
        // api's connections to web's other ports, and its pings, are untouched.
        Assert.Contains(Flows(audit, NftHost.Api, NftHost.Web), f => Holds(f, "icmp") && f.GetProperty("kind").GetString() == "connection");
        Assert.Equal("all", audit.GetProperty("published_ports").EnumerateArray().Single().GetProperty("later_dropped").GetString());
        Assert.Contains(audit.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "DFW511"
            && f.GetProperty("message").GetString()!.Contains("no connection carries data", StringComparison.Ordinal));
    }
}
