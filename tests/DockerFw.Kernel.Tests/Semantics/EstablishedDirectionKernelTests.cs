using System.Text.RegularExpressions;
using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// Docker's documented filter of a published port by the port the client used (<c>-I DOCKER-USER -p tcp
/// -m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j DROP</c>) and its variants on the connection's
/// ESTABLISHED packets, with real TCP through a published port: the router publishes 8080 to the
/// server's 80 as Docker does. The kernel's answer per packet of the connection (the SYN: NEW, original;
/// the SYN,ACK: ESTABLISHED, reply; the client's ACK: ESTABLISHED, original), told by whether the
/// connection completes and whether the DROP counted, must be the engine's, each packet walked as
/// what it is (<see cref="ToldConnection"/>: a reply with the connection's original tuple, a later
/// packet of the request DNATed as FORWARD sees it), and the audit's answer for the published port
/// (filter_accepts, replies_dropped, later_dropped). Before, the engine left the reply and the later
/// packet undecided and the audit answered "possible" only (oracle seed 5031).
/// </summary>
public sealed class EstablishedDirectionKernelTests
{
    private const string Client = "10.213.1.2";
    private const string Router = "10.213.1.1";
    private const string Server = "10.213.3.2";

    private static string Rules(string drop) => RulesetText.Build(
    [
        "nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
        $"nat -A DOCKER ! -i r3 -p tcp -m tcp --dport 8080 -j DNAT --to-destination {Server}:80",
        "filter -P FORWARD DROP",
        "filter -A FORWARD -j DOCKER-USER",
        "filter -A FORWARD -o r3 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
        $"filter -A FORWARD -d {Server}/32 ! -i r3 -o r3 -p tcp -m tcp --dport 80 -j ACCEPT",
        "filter -A FORWARD -i r3 ! -o r3 -j ACCEPT",
        $"filter -A DOCKER-USER -p tcp -m conntrack {drop} -j DROP",
        "filter -A DOCKER-USER -j RETURN",
    ]);

    /// <param name="drop">The DOCKER-USER DROP rule's conntrack options.</param>
    /// <param name="expected">What the kernel does to the connection through the published port.</param>
    [KernelTheory]
    [InlineData("--ctorigdstport 8080 --ctdir ORIGINAL", Reachability.Blocked)]
    [InlineData("--ctorigdstport 8080 --ctdir REPLY", Reachability.OneWay)]
    [InlineData("--ctstate ESTABLISHED --ctorigdstport 8080 --ctdir ORIGINAL", Reachability.OpeningOnly)]
    [InlineData("--ctorigdstport 8081 --ctdir REPLY", Reachability.Reachable)]
    [InlineData("--ctorigsrc 10.213.1.0/24 --ctdir REPLY", Reachability.OneWay)]
    public void The_kernel_the_engine_and_the_audit_agree_on_a_published_connections_established_packets(string drop, Reachability expected)
    {
        using var router = Netns.Create();
        using var client = Netns.Create();
        using var server = Netns.Create();
        RoutedPeer.Link(router, "r1", $"{Router}/24", client, [$"{Client}/24"], Router);
        RoutedPeer.Link(router, "r3", "10.213.3.1/24", server, [$"{Server}/24"], "10.213.3.1");
        router.Exec("sysctl", "-qw", "net.ipv4.ip_forward=1").EnsureOk();
        using var listener = Processes.Start("ip", ["netns", "exec", server.Name, "nc", "-l", "-k", "80"]);
        try
        {
            for (var i = 0; i < 50 && Processes.Run("ip", ["netns", "exec", server.Name, "nc", "-z", "-w", "1", "127.0.0.1", "80"]).ExitCode != 0; i++) Thread.Sleep(100);
            var text = Rules(drop);
            var load = router.ExecWithInput(text, "iptables-restore");
            Assert.True(load.ExitCode == 0, load.Error);
            router.Exec("iptables", "-Z").EnsureOk();
            var kernel = (Connects(client, Router, 8080), DropCount(router) > 0);
            Assert.Equal(Kernel(expected), kernel);

            var ruleset = IptablesSaveReader.Read(text, "published.iptables-save", IpFamily.V4).Value!;
            Assert.Equal(expected, Engine(ruleset));
            Assert.Equal(expected, Audited(ruleset));
        }
        finally
        {
            listener.Kill(entireProcessTree: true);
            listener.WaitForExit();
        }
    }

    /// <summary>The engine's verdicts on the SYN, the server's SYN,ACK and the client's ACK, each told what it is.</summary>
    private static Reachability Engine(Ruleset ruleset)
    {
        var local = IntervalSet.FromValues([Value(Router), Value("10.213.3.1")]);
        var rules = SymbolicRuleset.Compile(ruleset, [new("r1"), new("r3")], local);
        var opened = ToldConnection.Original.Knowing(Dimension.Dst, IntervalSet.Single(Value(Router))).Knowing(Dimension.Dport, IntervalSet.Single(8080));
        var replied = ToldConnection.Replies.Knowing(Dimension.Dst, IntervalSet.Single(Value(Router))).Knowing(Dimension.Dport, IntervalSet.Single(8080));
        var syn = Packet(Client, 40000, Router, 8080, "r1", "r3", ConntrackStates.New, TcpFlags.Syn);
        var synAck = Packet(Server, 80, Client, 40000, "r3", "r1", ConntrackStates.Established, TcpFlags.Syn | TcpFlags.Ack);
        var ack = Packet(Client, 40000, Server, 80, "r1", "r3", ConntrackStates.Established, TcpFlags.Ack);
        var verdicts = (
            SymbolicEngine.Reach(rules, PacketPath.Forward, One(rules, syn)).RegionOf(syn)!.Verdict,
            SymbolicEngine.Reach(rules, PacketPath.Forward, One(rules, synAck), replied).RegionOf(synAck)!.Verdict,
            SymbolicEngine.ReachAfterRouting(rules, One(rules, ack), opened).RegionOf(ack)!.Verdict);
        return verdicts switch
        {
            (ReachVerdict.Drop, _, _) => Reachability.Blocked,
            (ReachVerdict.Accept, ReachVerdict.Drop, _) => Reachability.OneWay,
            (ReachVerdict.Accept, ReachVerdict.Accept, ReachVerdict.Drop) => Reachability.OpeningOnly,
            (ReachVerdict.Accept, ReachVerdict.Accept, ReachVerdict.Accept) => Reachability.Reachable,
            _ => throw new Xunit.Sdk.XunitException($"undecided: {verdicts}"),
        };
    }

    /// <summary>The audit's answer for the published port, as the fate of the client's connection (every client's, or its subnet's).</summary>
    private static Reachability Audited(Ruleset ruleset)
    {
        var report = Auditor.Run(new AuditContext(ruleset, Ruleset.Empty(IpFamily.V6), View(), HostSettings.Unknown));
        var port = Assert.Single(report.PublishedPorts);
        return (port.FilterAccepts, port.RepliesDropped, port.RepliesUncertain, port.LaterDropped) switch
        {
            (false, _, _, _) => Reachability.Blocked,
            (true, "all" or "from 10.213.1.0/24", null, _) => Reachability.OneWay,
            (true, null, null, "all") => Reachability.OpeningOnly,
            (true, null, null, null) => Reachability.Reachable,
            var other => throw new Xunit.Sdk.XunitException($"the audit answers {other}"),
        };
    }

    /// <summary>Docker's view of the router: the server is container web on network net, whose bridge is r3, published on 8080.</summary>
    private static DockerView View()
    {
        var subnet = AddressMask.TryParse("10.213.3.0/24", IpFamily.V4, out var s) ? s! : throw new InvalidOperationException();
        var network = new DockerNetwork("net", "net-id", "bridge", [new DockerSubnet(subnet, Value("10.213.3.1"))],
            false, true, true, null, null, "r3", false);
        var web = new DockerContainer("web", "web-id", true, "net",
            [new DockerEndpoint("net", "net-id", Value(Server), null, [])], ["80/tcp"], [new PortBinding("tcp", 80, "0.0.0.0", 8080)], []);
        return new DockerView([network], [web]);
    }

    private static (bool Connects, bool Dropped) Kernel(Reachability r) => r switch
    {
        Reachability.Reachable => (true, false),
        Reachability.OpeningOnly => (true, true),
        _ => (false, true),
    };

    private static UInt128 Value(string address) => IpAddressValue.Parse(address, IpFamily.V4);

    private static Packet Packet(string src, int sport, string dst, int dport, string inInterface, string outInterface, ConntrackStates state, TcpFlags flags) =>
        new(IpFamily.V4, Value(src), Value(dst), Protocol.Tcp, SourcePort: sport, DestinationPort: dport,
            InInterface: inInterface, OutInterface: outInterface, State: state, TcpFlags: flags);

    private static PacketSet One(SymbolicRuleset rules, Packet packet)
    {
        var (point, mark) = rules.Space.PointOf(packet);
        return new([new Box([.. point.Select(v => IntervalSet.Single(v))], BitCubeSet.Single(mark))]);
    }

    /// <summary>Whether a TCP connection completes (its first try may wait for the neighbours).</summary>
    private static bool Connects(Netns client, string to, int port)
    {
        for (var attempt = 0; attempt < 2; attempt++)
            if (Processes.Run("ip", ["netns", "exec", client.Name, "nc", "-z", "-w", "1", to, port.ToString()], TimeSpan.FromSeconds(5)).ExitCode == 0)
                return true;
        return false;
    }

    /// <summary>The packets DOCKER-USER's DROP counted since the counters were zeroed.</summary>
    private static long DropCount(Netns router)
    {
        var listing = router.Exec("iptables", "-L", "DOCKER-USER", "-v", "-x", "-n").EnsureOk().Out;
        var line = listing.Split('\n').Single(l => l.Contains("DROP", StringComparison.Ordinal) && !l.StartsWith("Chain", StringComparison.Ordinal));
        return long.Parse(Regex.Match(line, @"^\s*(\d+)").Groups[1].Value);
    }
}
