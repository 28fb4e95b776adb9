using System.Text.Json;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// Oracle F39 with real packets: conntrack makes only an ICMP query NEW. Inside bridge1 (web .2 and
/// ::2, db .4 and ::4; br_netfilter on for both families) a table of the host's own drops INVALID
/// first, as Debian's nftables.conf and firewalld do, lets ICMP's and ICMPv6's echo replies and
/// destination unreachables through (and neighbour discovery) and drops the rest of ICMP, echo
/// requests included. db's unsolicited echo reply, sent on a raw socket, is INVALID (counted as such,
/// never as NEW) and dies; its echo requests are NEW and die. No ICMP connection
/// exists between the containers, which the container matrix must say, where judging NEW packets of
/// every type said an echo reply opened one.
/// </summary>
public sealed class IcmpStateKernelTests
{
    private const string Layout = "moby29-nftables-usernet-portmap.nft";

    private const string Guard = """
        table inet icmpguard {
            chain forward {
                type filter hook forward priority -1; policy accept;
                iifname "bridge1" oifname "bridge1" meta l4proto { icmp, ipv6-icmp } ct state invalid counter comment "invalid"
                iifname "bridge1" oifname "bridge1" meta l4proto { icmp, ipv6-icmp } ct state new counter comment "new"
                iifname "bridge1" oifname "bridge1" ct state invalid drop
                iifname "bridge1" oifname "bridge1" icmp type { echo-reply, destination-unreachable } accept
                iifname "bridge1" oifname "bridge1" icmpv6 type { echo-reply, destination-unreachable, nd-neighbor-solicit, nd-neighbor-advert } accept
                iifname "bridge1" oifname "bridge1" meta l4proto { icmp, ipv6-icmp } drop
            }
        }
        """;

    // One ICMP or ICMPv6 message of a type on a raw socket, a fresh identifier each (conntrack keeps an
    // answered echo's entry: a second request of its identifier is ESTABLISHED), the kernel summing
    // ICMPv6's; with "answer", waits a second for an echo reply to it from the destination (no ping here).
    private const string Send = """
        import random, socket, struct, sys, time
        dst, kind = sys.argv[1], int(sys.argv[2])
        ident = random.randrange(1, 65536)
        body = struct.pack('!HH', ident, 1) + (bytes(12) if kind == 13 else b'dockerfw')
        def total(b):
            s = sum(struct.unpack('!%dH' % (len(b) // 2), b + b'\0' * (len(b) % 2)))
            s = (s >> 16) + (s & 0xffff)
            return ~(s + (s >> 16)) & 0xffff
        six = ':' in dst
        s = socket.socket(socket.AF_INET6 if six else socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMPV6 if six else socket.IPPROTO_ICMP)
        head = struct.pack('!BBH', kind, 0, 0)
        s.sendto((head if six else struct.pack('!BBH', kind, 0, total(head + body))) + body, (dst, 0))
        if sys.argv[3:] != ['answer']: sys.exit(0)
        s.settimeout(0.2)
        end = time.time() + 1
        while time.time() < end:
            try: data, peer = s.recvfrom(2048)
            except socket.timeout: continue
            icmp = data if six else data[(data[0] & 15) * 4:]
            if peer[0] == dst and icmp[0] == {8: 0, 13: 14, 128: 129}[kind] and icmp[4:6] == body[:2]: sys.exit(0)
        sys.exit(1)
        """;

    [KernelFact]
    public void An_unsolicited_echo_reply_is_invalid_and_no_ICMP_connection_is_claimed_where_only_replies_pass()
    {
        var folder = Directory.CreateTempSubdirectory("dfw-icmp-").FullName;
        try
        {
            var docker = Path.Combine(folder, "docker.json");
            File.WriteAllText(docker, NftIpv6PolicyTests.DualStack(File.ReadAllText(NftHost.DockerJson)));
            using var host = new NftHost(Layout, [new NftBridge("bridge1", "192.0.2.1/24", [("web", NftHost.Web, ["80"]), ("db", NftHost.Db, [])])], docker);
            host.AddIpv6("bridge1", "fd00:2::1/64", [("web", "fd00:2::2", ["80"]), ("db", "fd00:2::4", [])], NftIpv6PolicyTests.InIpv6(File.ReadAllText(Corpus.PathOf("docker", Layout))));
            Assert.True(Pings(host, NftHost.Web), "Docker's icc lets db ping web");
            Assert.True(Pings(host, "fd00:2::2"), "and over IPv6");

            host.Nft(Guard);

            foreach (var web in new[] { NftHost.Web, "fd00:2::2" })
            {
                Assert.False(Pings(host, web), $"db's echo requests to {web} are dropped");
                var (invalid, @new) = (Counted(host, "invalid"), Counted(host, "new"));
                Raw(host, web, web.Contains(':') ? 129 : 0);
                Assert.Equal((invalid + 1, @new), (Counted(host, "invalid"), Counted(host, "new")));
                Raw(host, web, web.Contains(':') ? 128 : 8);
                Assert.Equal((invalid + 1, @new + 1), (Counted(host, "invalid"), Counted(host, "new")));
                // ICMP's timestamp request is a query too; ICMPv6's redirect (137) opens nothing.
                Raw(host, web, web.Contains(':') ? 137 : 13);
                Assert.Equal(web.Contains(':') ? (invalid + 2, @new + 1) : (invalid + 1, @new + 2), (Counted(host, "invalid"), Counted(host, "new")));
            }

            var audit = JsonDocument.Parse(host.Dockerfw("", "audit", "--format", "json", "--containers").Out).RootElement;
            foreach (var (db, web, icmp) in new[] { (NftHost.Db, NftHost.Web, "icmp"), ("fd00:2::4", "fd00:2::2", "ipv6-icmp") })
            {
                var entry = audit.GetProperty("containers_reachability").EnumerateArray()
                    .Single(e => e.GetProperty("from_address").GetString() == db && e.GetProperty("to_address").GetString() == web);
                Assert.Equal("partial", entry.GetProperty("verdict").GetString());
                Assert.DoesNotContain(entry.GetProperty("flows").EnumerateArray(), f => f.GetProperty("protocol").GetString() is { } p
                    && (p == "all" || p.Split(", ").Contains(icmp)));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // Only ICMP's timestamp requests pass inside bridge1; their replies (14) die with the rest of ICMP.
    private const string TimestampsOnly = """
        table inet tsguard {
            chain forward {
                type filter hook forward priority -1; policy accept;
                iifname "bridge1" oifname "bridge1" icmp type timestamp-request accept
                iifname "bridge1" oifname "bridge1" meta l4proto icmp drop
            }
        }
        """;

    /// <summary>
    /// The replies of ICMP's timestamp request are timestamp replies (14), not requests (13): a rule set
    /// that lets the requests through and drops every other ICMP type answers no timestamp, which the
    /// container matrix must call one-way. Mirrored as requests, their replies passed by the rule for 13
    /// (oracle F39's left).
    /// </summary>
    [KernelFact]
    public void A_timestamp_request_whose_replies_are_dropped_is_unanswered_and_one_way()
    {
        using var host = new NftHost(Layout, [new NftBridge("bridge1", "192.0.2.1/24", [("web", NftHost.Web, ["80"]), ("db", NftHost.Db, [])])], NftHost.DockerJson);
        Assert.True(Answered(host, NftHost.Web, 13), "web's kernel answers db's timestamp request");

        host.Nft(TimestampsOnly);

        Assert.False(Answered(host, NftHost.Web, 13), "the timestamp reply is dropped");
        var audit = JsonDocument.Parse(host.Dockerfw("", "audit", "--format", "json", "--containers").Out).RootElement;
        var entry = audit.GetProperty("containers_reachability").EnumerateArray()
            .Single(e => e.GetProperty("from_address").GetString() == NftHost.Db && e.GetProperty("to_address").GetString() == NftHost.Web);
        var icmp = Assert.Single(entry.GetProperty("flows").EnumerateArray(), f => f.GetProperty("protocol").GetString() == "icmp");
        Assert.Equal("one-way", icmp.GetProperty("kind").GetString());
    }

    private static bool Answered(NftHost host, string to, int type) =>
        Processes.Run("ip", ["netns", "exec", host.Ns("db"), "python3", "-c", Send, to, type.ToString(System.Globalization.CultureInfo.InvariantCulture), "answer"]).ExitCode == 0;

    private static bool Pings(NftHost host, string to) =>
        Processes.Run("ip", ["netns", "exec", host.Ns("db"), "python3", "-c", Send, to, to.Contains(':') ? "128" : "8", "answer"]).ExitCode == 0;

    private static void Raw(NftHost host, string to, int type)
    {
        Processes.Must("ip", "netns", "exec", host.Ns("db"), "python3", "-c", Send, to, type.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Thread.Sleep(200);
    }

    private static long Counted(NftHost host, string marker) =>
        JsonDocument.Parse(Processes.Must("ip", "netns", "exec", host.Host, "nft", "-j", "list", "table", "inet", "icmpguard")).RootElement.GetProperty("nftables").EnumerateArray()
            .Where(e => e.TryGetProperty("rule", out var r) && r.TryGetProperty("comment", out var c) && c.GetString() == marker)
            .Sum(e => e.GetProperty("rule").GetProperty("expr").EnumerateArray().Where(x => x.TryGetProperty("counter", out _))
                .Sum(x => x.GetProperty("counter").GetProperty("packets").GetInt64()));
}
