using DockerFw.Core.Fleet;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Kernel.Tests.Semantics;

namespace DockerFw.Kernel.Tests.Fleet;

/// <summary>
/// A connection across hosts is made only when its replies come back through both hosts' rules
/// (<see cref="ReplyLegs"/>), and the kernel agrees. The routed hosts of
/// tests/DockerFw.Core.Tests/Fleet/Fixtures/routed (a's docker0 10.103.100.0/24, b's 10.103.200.0/24),
/// one of them with a rule first in its DOCKER-USER, are judged by fleet; that host's dump is then
/// loaded into the router as in <see cref="FleetOpeningKernelTests"/> (a's web is endpoint a at
/// 10.201.1.2, b's db endpoint b at 10.201.2.2; the tampered host's docker0 is its container's link,
/// under0 the other's), and a real ping from one container's stand-in to the other's must succeed
/// exactly when fleet calls the container cell's echo requests reachable. A drop on the reply way
/// alone (of the sources coming back, of the replies out of the receiver's bridge, of the echo
/// replies) left them reachable before the replies were judged.
/// </summary>
public sealed class FleetReplyKernelTests(TopologyFixture fixture) : IClassFixture<TopologyFixture>
{
    private const string LetAIn = "-A DOCKER-USER -s 10.103.100.0/24 -i under0 -o docker0 -j ACCEPT";
    private const string LetBIn = "-A DOCKER-USER -s 10.103.200.0/24 -i under0 -o docker0 -j ACCEPT";

    /// <summary>The tampered host, its rule, the pinging container's host, and whether the ping is answered.</summary>
    public static TheoryData<string, string, string, bool> Cases() => new()
    {
        { "b", "", "b", true },
        // a's replies to b's containers come in from a's subnet: b's sender-side FORWARD drops them.
        { "b", "-A DOCKER-USER -s 10.103.100.0/24 -i under0 -o docker0 -j DROP", "b", false },
        { "b", "-A DOCKER-USER -s 10.103.100.0/24 -i under0 -o docker0 -m conntrack --ctstate NEW -j DROP", "b", true },
        // b's container's replies to a leave b's bridge for under0: the receiver's FORWARD drops them.
        { "b", "-A DOCKER-USER -s 10.103.200.0/24 -i docker0 -o under0 -j DROP", "a", false },
        // Only the echo requests b's containers send are dropped: their echo replies pass.
        { "b", "-A DOCKER-USER -s 10.103.200.0/24 -i docker0 -o under0 -p icmp -m icmp --icmp-type 8 -j DROP", "a", true },
        // a drops the echo replies coming to its containers.
        { "a", "-A DOCKER-USER -d 10.103.100.0/24 -i under0 -o docker0 -p icmp -m icmp --icmp-type 0 -j DROP", "a", false },
    };

    /// <summary>The tampered host, the rule that replaces its rule letting the peer's containers in (or goes first), and whether data crosses.</summary>
    public static TheoryData<string, string, bool> LaterCases() => new()
    {
        { "b", LetAIn, true },
        // b takes the peer's openings only: the SYN passes, the ACK and the data die in b's DOCKER-USER.
        { "b", "-A DOCKER-USER -s 10.103.100.0/24 -i under0 -o docker0 -m conntrack --ctstate NEW -j ACCEPT\n-A DOCKER-USER -i under0 -o docker0 -j DROP", false },
        // a lets its containers open connections out and drops what follows.
        { "a", "-A DOCKER-USER -i docker0 -o under0 -p tcp -m conntrack --ctstate ESTABLISHED -j DROP\n" + LetBIn, false },
    };

    [KernelTheory]
    [MemberData(nameof(LaterCases))]
    public void A_tcp_connection_across_hosts_carries_data_in_the_kernel_as_fleet_claims(string tampered, string rule, bool carries)
    {
        string Dump(string host) => host == tampered
            ? FleetFixtureHost.Dump("routed", host).Replace(host == "b" ? LetAIn : LetBIn, rule, StringComparison.Ordinal)
            : FleetFixtureHost.Dump("routed", host);
        var report = FleetAuditor.Run([() => FleetFixtureHost.Read("routed", "a", Dump("a")), () => FleetFixtureHost.Read("routed", "b", Dump("b"))]);
        var claims = report.Containers.Single(c => c.Spec.Sender.Name == "a").Parts
            .Where(p => p.Packets.Boxes.Any(b => b[Dimension.Proto].Contains(6) && b[Dimension.Dport].Contains(8080)))
            .Select(p => p.Outcome).Distinct().ToList();

        var topology = fixture.Topology;
        var (bridge, underlay) = tampered == "b" ? ("r2", "r1") : ("r1", "r2");
        KernelProbe.Load(topology, Dump(tampered)
            .Replace("10.103.100.", "10.201.1.", StringComparison.Ordinal).Replace("10.103.200.", "10.201.2.", StringComparison.Ordinal)
            .Replace("docker0", bridge, StringComparison.Ordinal).Replace("under0", underlay, StringComparison.Ordinal));
        var (from, to) = (topology["a"], topology["b"]);
        foreach (var end in new[] { from, to }) end.Netns.Exec("iptables", "-t", "raw", "-F", "PREROUTING").EnsureOk();
        using var listener = DockerFw.Tests.Processes.Start("ip", ["netns", "exec", to.Netns.Name, "timeout", "4", "nc", "-l", "8080"]);
        Thread.Sleep(300);
        from.Netns.ExecBounded(TimeSpan.FromSeconds(5), "sh", "-c", $"printf hello | timeout 3 nc -N -w2 {to.Address} 8080");
        listener.WaitForExit();
        var received = listener.StandardOutput.ReadToEnd();

        Assert.True((received == "hello") == carries, $"{tampered} '{rule}': the listener received '{received}'");
        Assert.True(claims.SequenceEqual([carries ? CellOutcome.Reachable : CellOutcome.Blocked]),
            $"{tampered} '{rule}': fleet's tcp/8080 {string.Join(", ", claims)}, the listener received '{received}'");
    }

    [KernelTheory]
    [MemberData(nameof(Cases))]
    public void A_ping_across_hosts_is_answered_in_the_kernel_as_fleet_claims(string tampered, string rule, string pinging, bool answered)
    {
        string Dump(string host) => host == tampered && rule.Length > 0
            ? FleetFixtureHost.Dump("routed", host).Replace(host == "b" ? LetAIn : LetBIn, rule + "\n" + (host == "b" ? LetAIn : LetBIn), StringComparison.Ordinal)
            : FleetFixtureHost.Dump("routed", host);
        var report = FleetAuditor.Run([() => FleetFixtureHost.Read("routed", "a", Dump("a")), () => FleetFixtureHost.Read("routed", "b", Dump("b"))]);
        var cell = report.Containers.Single(c => c.Spec.Sender.Name == pinging);
        var claims = cell.Parts
            .Where(p => p.Packets.Boxes.Any(b => b[Dimension.Proto].Contains(1) && b[Dimension.IcmpType].Contains(8)))
            .Select(p => p.Outcome).Distinct().ToList();

        var topology = fixture.Topology;
        var (bridge, underlay) = tampered == "b" ? ("r2", "r1") : ("r1", "r2");
        KernelProbe.Load(topology, Dump(tampered)
            .Replace("10.103.100.", "10.201.1.", StringComparison.Ordinal).Replace("10.103.200.", "10.201.2.", StringComparison.Ordinal)
            .Replace("docker0", bridge, StringComparison.Ordinal).Replace("under0", underlay, StringComparison.Ordinal));
        var (from, to) = pinging == "a" ? (topology["a"], topology["b"]) : (topology["b"], topology["a"]);
        // The harness's endpoints are sinks (a raw DROP of all they receive); these two answer and hear
        // the answer, as containers do. The topology is this class's own.
        foreach (var end in new[] { from, to }) end.Netns.Exec("iptables", "-t", "raw", "-F", "PREROUTING").EnsureOk();
        var ping = from.Netns.ExecBounded(TimeSpan.FromSeconds(5), "busybox", "ping", "-c1", "-W1", to.Address.ToString());

        Assert.True(ping.Ok == answered, $"{tampered} '{rule}': ping {from} -> {to} {(ping.Ok ? "answered" : "unanswered")}: {ping.Out} {ping.Error}");
        Assert.True(claims.SequenceEqual([answered ? CellOutcome.Reachable : CellOutcome.Blocked]),
            $"{tampered} '{rule}': fleet's echo requests {string.Join(", ", claims)}, ping {(ping.Ok ? "answered" : "unanswered")}");
    }
}
