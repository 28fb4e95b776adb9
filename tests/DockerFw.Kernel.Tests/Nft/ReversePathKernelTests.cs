using System.Text.Json;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// firewalld's IPv6 reverse-path filter (IPv6_rpfilter=yes, oracle F30) in a router of our own: a
/// client on r1 (fd00:a::/64) sends from its connected address and from one the router has no route
/// to, to a server behind r2; the server's input counts what arrives. The kernel passes the first
/// and drops the second; both engines, given the router's own <c>nft -j list ruleset</c> and its
/// addresses, accept the first certainly and leave the second open (the routes decide it).
/// </summary>
public sealed class ReversePathKernelTests
{
    private const string Firewalld =
        """
        table inet dfwr_firewalld {
            chain filter_PREROUTING {
                type filter hook prerouting priority filter + 10; policy accept;
                icmpv6 type { nd-router-advert, nd-neighbor-solicit } accept
                meta nfproto ipv6 fib saddr . mark . iif oif missing drop
            }
        }
        """;

    private const string Connected = "fd00:a::2", Unrouted = "fd00:99::2", Server = "fd00:b::2";

    [KernelFact]
    public void A_source_in_the_input_interfaces_subnet_passes_one_without_a_route_back_is_dropped_and_the_engines_say_so()
    {
        using var router = Netns.Create();
        using var client = Netns.Create();
        using var server = Netns.Create();
        RoutedPeer.Link(router, "r1", "fd00:a::1/64", client, [$"{Connected}/64", $"{Unrouted}/64"], "fd00:a::1");
        RoutedPeer.Link(router, "r2", "fd00:b::1/64", server, [$"{Server}/64"], "fd00:b::1");
        router.Exec("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1").EnsureOk();
        router.ExecWithInput(Firewalld, "nft", "-f", "-").EnsureOk();
        server.ExecWithInput(
            $"table ip6 dfwr_seen {{ chain input {{ type filter hook input priority 0; policy accept; ip6 saddr {Connected} counter; ip6 saddr {Unrouted} counter; }}; }}",
            "nft", "-f", "-").EnsureOk();

        Assert.True(RoutedPeer.ArrivesWithin(() => Send(client, Connected), () => Arrived(server, Connected)), "the kernel passes a source of r1's connected subnet");
        Send(client, Unrouted);
        Send(client, Unrouted);

        Assert.Equal(0, Arrived(server, Unrouted));

        var ruleset = HostRuleset.Merge(
            IptablesSaveReader.Read("*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n", "ip6tables-save", IpFamily.V6).Value!,
            NftJsonReader.Read(router.Exec("nft", "-j", "list", "ruleset").EnsureOk().Out, "nft.json").Value!);
        var context = new EvaluationContext
        {
            Addresses = [new("r1", IpFamily.V6, V6("fd00:a::1"), 64), new("r2", IpFamily.V6, V6("fd00:b::1"), 64)],
        };
        var compiled = SymbolicRuleset.Compile(ruleset, null, context);
        foreach (var (source, passes) in new[] { (Connected, true), (Unrouted, false) })
        {
            var datagram = new Packet(IpFamily.V6, V6(source), V6(Server), Protocol.Udp, 40000, 9999, InInterface: "r1", OutInterface: "r2",
                TcpFlags: TcpFlags.None);
            var trace = PacketTracer.Trace(ruleset, datagram, PacketPath.Forward, context);
            var reach = SymbolicEngine.Reach(compiled, new ReachQuery(PacketPath.Forward)
            {
                In = new InterfacePattern("r1"), Out = new InterfacePattern("r2"), Source = AddressMask.Host(IpFamily.V6, V6(source)),
                Destination = AddressMask.Host(IpFamily.V6, V6(Server)), Protocol = Protocol.FromNumber(Protocol.Udp),
            });

            Assert.Equal(passes, trace.Certain);
            Assert.All(reach.Regions, r => Assert.Equal(passes ? ReachVerdict.Accept : ReachVerdict.Maybe, r.Verdict));
            if (passes) Assert.Equal(PacketVerdict.Accept, trace.Verdict);
            else Assert.Contains(trace.Doubts, d => d.Reason == ReversePathCheck.Undecided);
        }
    }

    /// <summary>
    /// What the decision assumes: the kernel's default policy rules, the only way the packet's mark
    /// (<c>fib saddr . mark</c>) enters the lookup. A rule choosing another table by the mark sends
    /// the route back elsewhere, and the same connected source is dropped.
    /// </summary>
    [KernelFact]
    public void A_policy_rule_on_the_mark_turns_the_route_back_of_a_connected_source_away()
    {
        using var router = Netns.Create();
        using var client = Netns.Create();
        using var server = Netns.Create();
        RoutedPeer.Link(router, "r1", "fd00:a::1/64", client, [$"{Connected}/64"], "fd00:a::1");
        RoutedPeer.Link(router, "r2", "fd00:b::1/64", server, [$"{Server}/64"], "fd00:b::1");
        router.Exec("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1").EnsureOk();
        router.ExecWithInput(Firewalld + $"\ntable ip6 dfwr_mark {{ chain pre {{ type filter hook prerouting priority -150; policy accept; ip6 saddr {Connected} meta mark set 1; }}; }}",
            "nft", "-f", "-").EnsureOk();
        router.Exec("ip", "-6", "route", "add", "default", "dev", "r2", "table", "100").EnsureOk();
        server.ExecWithInput($"table ip6 dfwr_seen {{ chain input {{ type filter hook input priority 0; policy accept; ip6 saddr {Connected} counter; }}; }}",
            "nft", "-f", "-").EnsureOk();
        Assert.True(RoutedPeer.ArrivesWithin(() => Send(client, Connected), () => Arrived(server, Connected)), "the marked source passes under the default policy rules");

        router.Exec("ip", "-6", "rule", "add", "fwmark", "1", "lookup", "100").EnsureOk();
        var before = Arrived(server, Connected);
        Send(client, Connected);
        Send(client, Connected);

        Assert.Equal(before, Arrived(server, Connected));
    }

    /// <summary>Two UDP datagrams from <paramref name="source"/> to the server (the first may wait for the router's link address).</summary>
    private static void Send(Netns client, string source)
    {
        for (var i = 0; i < 2; i++)
            client.ExecBounded(TimeSpan.FromSeconds(10), "sh", "-c", $"nc -6 -u -w0 -s {source} -p 40000 {Server} 9999 <<EOF\nx\nEOF").EnsureOk();
        // A datagram can still be on its way through the veth queues when the sender returns.
        Thread.Sleep(300);
    }

    /// <summary>Packets the server's input counted from the source.</summary>
    private static long Arrived(Netns server, string source)
    {
        var json = JsonDocument.Parse(server.Exec("nft", "-j", "list", "table", "ip6", "dfwr_seen").EnsureOk().Out);
        return json.RootElement.GetProperty("nftables").EnumerateArray()
            .Where(e => e.TryGetProperty("rule", out _))
            .Select(e => e.GetProperty("rule").GetProperty("expr"))
            .Where(expr => expr.ToString().Contains(source, StringComparison.Ordinal))
            .Select(expr => expr.EnumerateArray().Single(x => x.TryGetProperty("counter", out _)).GetProperty("counter").GetProperty("packets").GetInt64())
            .Single();
    }

    private static UInt128 V6(string text) => IpAddressValue.Parse(text, IpFamily.V6);
}
