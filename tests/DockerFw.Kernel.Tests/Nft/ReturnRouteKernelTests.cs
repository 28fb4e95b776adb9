using System.Text.Json;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// Seed 5076's case (oracle F33) with real packets: a client on r1 sends from its own subnet's
/// address and from one of r3's subnet (another bridge's, where the route back leads) to a server
/// behind r2. firewalld's strict check (<c>fib saddr . mark . iif oif missing drop</c>) drops the
/// second, its loose form (no <c>iif</c>) passes both. Both engines, given the router's routes and
/// policy rules as <c>ip -j route show table all</c> and <c>ip -j rule</c> print them, say exactly what
/// the kernel did.
/// </summary>
public sealed class ReturnRouteKernelTests
{
    public static TheoryData<IpFamily, bool> Forms => new()
    {
        { IpFamily.V6, false }, { IpFamily.V6, true }, { IpFamily.V4, false }, { IpFamily.V4, true },
    };

    [KernelTheory]
    [MemberData(nameof(Forms))]
    public void A_source_of_another_interfaces_subnet_fails_the_strict_check_and_passes_the_loose_one(IpFamily family, bool loose)
    {
        var six = family == IpFamily.V6;
        string Net(char n, int host) => six ? $"fd00:{n}::{host}" : $"10.0.{n - 'a' + 1}.{host}";
        var (own, other, server) = (Net('a', 2), Net('c', 2), Net('b', 2));
        var length = six ? "/64" : "/24";
        using var router = Netns.Create();
        using var client = Netns.Create();
        using var target = Netns.Create();
        using var third = Netns.Create();
        RoutedPeer.Link(router, "r1", Net('a', 1) + length, client, [own + length, other + length], Net('a', 1));
        RoutedPeer.Link(router, "r2", Net('b', 1) + length, target, [server + length], Net('b', 1));
        RoutedPeer.Link(router, "r3", Net('c', 1) + length, third, [Net('c', 9) + length], Net('c', 1));
        router.Exec("sysctl", "-qw", six ? "net.ipv6.conf.all.forwarding=1" : "net.ipv4.ip_forward=1").EnsureOk();
        // The kernel's own reverse-path filter stays out of the way: the rules are under test.
        router.Exec("sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0", "net.ipv4.conf.r1.rp_filter=0").EnsureOk();
        var nfproto = six ? "ipv6" : "ipv4";
        router.ExecWithInput(
            $$"""
            table inet dfwr_firewalld {
                chain filter_PREROUTING {
                    type filter hook prerouting priority filter + 10; policy accept;
                    icmpv6 type { nd-router-advert, nd-neighbor-solicit } accept
                    meta nfproto {{nfproto}} fib saddr . mark{{(loose ? "" : " . iif")}} oif missing drop
                }
            }
            """, "nft", "-f", "-").EnsureOk();
        var ip = six ? "ip6" : "ip";
        target.ExecWithInput(
            $"table {ip} dfwr_seen {{ chain input {{ type filter hook input priority 0; policy accept; {ip} saddr {own} counter; {ip} saddr {other} counter; }}; }}",
            "nft", "-f", "-").EnsureOk();

        Assert.True(RoutedPeer.ArrivesWithin(() => Send(client, own, server, six), () => Arrived(target, own)), "a source of r1's own subnet passes");
        var otherPasses = RoutedPeer.ArrivesWithin(() => Send(client, other, server, six), () => Arrived(target, other));
        Assert.Equal(loose, otherPasses);

        var ruleset = HostRuleset.Merge(
            IptablesSaveReader.Read("*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n", "save", family).Value!,
            NftJsonReader.Read(router.Exec("nft", "-j", "list", "ruleset").EnsureOk().Out, "nft.json").Value!);
        var flag = six ? "-6" : "-4";
        var routes = RouteListReader.Read(router.Exec("ip", flag, "-j", "route", "show", "table", "all").EnsureOk().Out, "routes").Value!
            with { Rules = [PolicyRules.Read(router.Exec("ip", flag, "-j", "rule", "show").EnsureOk().Out, family)!] };
        var context = new EvaluationContext { Routes = routes };
        var compiled = SymbolicRuleset.Compile(ruleset, null, context);
        foreach (var (source, passes) in new[] { (own, true), (other, loose) })
        {
            var datagram = new Packet(family, Address(source, family), Address(server, family), Protocol.Udp, 40000, 9999, InInterface: "r1", OutInterface: "r2");
            var trace = PacketTracer.Trace(ruleset, datagram, PacketPath.Forward, context);
            var reach = SymbolicEngine.Reach(compiled, new ReachQuery(PacketPath.Forward)
            {
                In = new InterfacePattern("r1"), Out = new InterfacePattern("r2"), Source = AddressMask.Host(family, Address(source, family)),
                Destination = AddressMask.Host(family, Address(server, family)), Protocol = Protocol.FromNumber(Protocol.Udp),
            });

            Assert.Equal(passes ? PacketVerdict.Accept : PacketVerdict.Drop, trace.Verdict);
            Assert.All(reach.Regions, r => Assert.Equal(passes ? ReachVerdict.Accept : ReachVerdict.Drop, r.Verdict));
        }
    }

    /// <summary>Two UDP datagrams from <paramref name="source"/> to the server.</summary>
    private static void Send(Netns client, string source, string server, bool six)
    {
        for (var i = 0; i < 2; i++)
            client.ExecBounded(TimeSpan.FromSeconds(10), "sh", "-c", $"nc {(six ? "-6" : "-4")} -u -w0 -s {source} -p 40000 {server} 9999 <<EOF\nx\nEOF").EnsureOk();
        Thread.Sleep(300);
    }

    /// <summary>Packets the server's input counted from the source.</summary>
    private static long Arrived(Netns server, string source)
    {
        var listing = server.Exec("nft", "-j", "list", "ruleset").EnsureOk().Out;
        return JsonDocument.Parse(listing).RootElement.GetProperty("nftables").EnumerateArray()
            .Where(e => e.TryGetProperty("rule", out _))
            .Select(e => e.GetProperty("rule").GetProperty("expr"))
            .Where(expr => expr.ToString().Contains($"\"{source}\"", StringComparison.Ordinal))
            .Select(expr => expr.EnumerateArray().Single(x => x.TryGetProperty("counter", out _)).GetProperty("counter").GetProperty("packets").GetInt64())
            .Single();
    }

    private static UInt128 Address(string text, IpFamily family) => IpAddressValue.Parse(text, family);
}
