using System.Text.RegularExpressions;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// Docker's documented filter of a published port by the port the client used
/// (<c>-m conntrack --ctorigdstport 8080 --ctdir ORIGINAL -j DROP</c>) and its variants, with real TCP
/// connections: the router publishes 8080 to the server's 80; the client connects by 8080 (DNATed) and
/// straight to the server's 80 (routed as it is). The kernel's answer per packet of the connection: the
/// SYN (NEW, original direction), the SYN,ACK (ESTABLISHED, reply) and the client's later ACK
/// (ESTABLISHED, original), told by whether the connection completes and whether the DROP counted.
/// The symbolic engine decides the SYN whatever the rule says of the state; the tracer follows the
/// connection (<see cref="ConnectionEvaluator"/>): both must agree with the kernel.
/// </summary>
public sealed class ConnectionDirectionKernelTests
{
    private const string Client = "10.212.1.2";
    private const string Router = "10.212.1.1";
    private const string Server = "10.212.3.2";

    private static string Rules(string drop) => RulesetText.Build(
    [
        $"nat -A PREROUTING -d {Router}/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination {Server}:80",
        $"filter -A FORWARD -p tcp -m conntrack {drop} -j DROP",
    ]);

    /// <param name="drop">The DROP rule's conntrack options.</param>
    /// <param name="published">Through the published port 8080 (else straight to the server's 80): the connection completes, its later packets are dropped.</param>
    [KernelTheory]
    [InlineData("--ctorigdstport 8080 --ctdir ORIGINAL", Reachability.Blocked, Reachability.Reachable)]
    [InlineData("--ctorigdstport 8080 --ctdir REPLY", Reachability.OneWay, Reachability.Reachable)]
    [InlineData("--ctstate ESTABLISHED --ctorigdstport 8080 --ctdir ORIGINAL", Reachability.OpeningOnly, Reachability.Reachable)]
    [InlineData("--ctorigdst 10.212.1.1 --ctdir REPLY", Reachability.OneWay, Reachability.Reachable)]
    public void The_kernel_and_both_engines_agree_on_each_packet_of_a_connection_by_its_direction_and_original_tuple(
        string drop, Reachability published, Reachability direct)
    {
        using var router = Netns.Create();
        using var client = Netns.Create();
        using var server = Netns.Create();
        RoutedPeer.Link(router, "r1", $"{Router}/24", client, [$"{Client}/24"], Router);
        RoutedPeer.Link(router, "r3", "10.212.3.1/24", server, [$"{Server}/24"], "10.212.3.1");
        router.Exec("sysctl", "-qw", "net.ipv4.ip_forward=1").EnsureOk();
        using var listener = Processes.Start("ip", ["netns", "exec", server.Name, "nc", "-l", "-k", "80"]);
        try
        {
            for (var i = 0; i < 50 && Processes.Run("ip", ["netns", "exec", server.Name, "nc", "-z", "-w", "1", "127.0.0.1", "80"]).ExitCode != 0; i++) Thread.Sleep(100);
            var text = Rules(drop);
            var load = router.ExecWithInput(text, "iptables-restore");
            Assert.True(load.ExitCode == 0, load.Error);
            var ruleset = IptablesSaveReader.Read(text, "direction.iptables-save", IpFamily.V4).Value!;

            // The direct connection first: a one-way attempt leaves the server retransmitting its SYN,ACK,
            // which the DROP would count again while the next connection is measured.
            foreach (var (to, port, expected) in new[] { (Server, 80, direct), (Router, 8080, published) })
            {
                router.Exec("iptables", "-Z", "FORWARD").EnsureOk();
                var connects = Connects(client, to, port);
                var counted = DropCount(router);
                var kernel = (connects, counted > 0);
                // Blocked and one-way never complete; a connection whose later packets die completes (nc -z
                // stops after the handshake) and the DROP counts its ACK.
                Assert.Equal(Kernel(expected), kernel);

                var first = new Packet(IpFamily.V4, Value(Client), Value(to), Protocol.Tcp, SourcePort: 40000, DestinationPort: port,
                    InInterface: "r1", OutInterface: "r3");
                var traced = ConnectionEvaluator.Evaluate(ruleset, first, PacketPath.Forward);
                Assert.Equal(expected, traced.Reachability);

                var query = new ReachQuery(PacketPath.Forward) { In = new("r1"), Out = new("r3"), State = ConntrackStates.New };
                var symbolic = SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, query.Interfaces), query).RegionOf(first)!.Verdict;
                Assert.Equal(expected == Reachability.Blocked ? ReachVerdict.Drop : ReachVerdict.Accept, symbolic);
            }
        }
        finally
        {
            listener.Kill(entireProcessTree: true);
            listener.WaitForExit();
        }
    }

    private static (bool Connects, bool Dropped) Kernel(Reachability r) => r switch
    {
        Reachability.Reachable => (true, false),
        Reachability.OpeningOnly => (true, true),
        _ => (false, true),
    };

    private static UInt128 Value(string address) => IpAddressValue.Parse(address, IpFamily.V4);

    /// <summary>Whether a TCP connection completes (its first try may wait for the neighbours).</summary>
    private static bool Connects(Netns client, string to, int port)
    {
        for (var attempt = 0; attempt < 2; attempt++)
            if (Processes.Run("ip", ["netns", "exec", client.Name, "nc", "-z", "-w", "1", to, port.ToString()], TimeSpan.FromSeconds(5)).ExitCode == 0)
                return true;
        return false;
    }

    /// <summary>The packets FORWARD's DROP counted since its counters were zeroed.</summary>
    private static long DropCount(Netns router)
    {
        var listing = router.Exec("iptables", "-L", "FORWARD", "-v", "-x", "-n").EnsureOk().Out;
        var line = listing.Split('\n').Single(l => l.Contains("DROP", StringComparison.Ordinal) && !l.StartsWith("Chain", StringComparison.Ordinal));
        return long.Parse(Regex.Match(line, @"^\s*(\d+)").Groups[1].Value);
    }
}
