using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// Oracle F61, with real connections: a raw NOTRACK takes packets out of conntrack, and so out of NAT.
/// The router plays a Docker host: container web (10.212.2.2, on br-web) publishes 80 as 8080 and is
/// masqueraded out; a client on r1 (10.212.1.2, no route to the containers' subnet: only a
/// masqueraded connection can be answered) listens on 9000. Three raws: none; everything web sends
/// untracked (its published port's SYN,ACK is never un-DNATed, its connections out never
/// masqueraded); the published port's requests untracked (never DNATed, web's own connections still
/// masqueraded). The audit's published port and masquerade answers agree with what the connections
/// do, case by case.
/// </summary>
public sealed class UntrackedConnectionKernelTests
{
    private static string Rules(string? raw) => RulesetText.Build(
    [
        .. raw is null ? Array.Empty<string>() : [raw],
        "nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
        "nat -A POSTROUTING -s 10.212.2.0/24 ! -o br-web -j MASQUERADE",
        "nat -A DOCKER -i br-web -j RETURN",
        "nat -A DOCKER ! -i br-web -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.212.2.2:80",
        "filter -P FORWARD DROP",
        "filter -A FORWARD -o br-web -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
        "filter -A FORWARD -d 10.212.2.2/32 ! -i br-web -o br-web -p tcp -m tcp --dport 80 -j ACCEPT",
        "filter -A FORWARD -i br-web ! -o br-web -j ACCEPT",
    ]);

    [KernelFact]
    public void A_notrack_of_a_containers_packets_or_of_its_published_ports_requests_and_the_audit_agree_with_the_connections()
    {
        using var router = Netns.Create();
        using var client = Netns.Create();
        using var web = Netns.Create();
        RoutedPeer.Link(router, "r1", "10.212.1.1/24", client, ["10.212.1.2/24"], "10.212.1.1");
        RoutedPeer.Link(router, "br-web", "10.212.2.1/24", web, ["10.212.2.2/24"], "10.212.2.1");
        // The client is outside: it answers only what comes from its own link (a masqueraded connection).
        client.Exec("ip", "route", "del", "default").EnsureOk();
        router.Exec("sysctl", "-qw", "net.ipv4.ip_forward=1").EnsureOk();
        using var server = Processes.Start("ip", ["netns", "exec", web.Name, "nc", "-l", "-k", "80"]);
        using var outside = Processes.Start("ip", ["netns", "exec", client.Name, "nc", "-l", "-k", "9000"]);
        try
        {
            Listening(web, 80);
            Listening(client, 9000);
            var seen = new Dictionary<string, (bool PortConnects, bool OutConnects, bool? FilterAccepts, string? RepliesDropped, bool? Masquerade)>();
            foreach (var (name, raw) in new[]
            {
                ("none", (string?)null),
                ("web untracked", "raw -A PREROUTING -s 10.212.2.2/32 -j CT --notrack"),
                ("port's requests untracked", "raw -A PREROUTING -p tcp -m tcp --dport 8080 -j CT --notrack"),
            })
            {
                var load = router.ExecWithInput(Rules(raw), "iptables-restore");
                Assert.True(load.ExitCode == 0, load.Error);
                var ruleset = IptablesSaveReader.Read(router.Exec("iptables-save").EnsureOk().Out, "iptables-save", IpFamily.V4).Value!;
                var report = Auditor.Run(new AuditContext(ruleset, Ruleset.Empty(IpFamily.V6), View(), HostSettings.Unknown));
                var port = Assert.Single(report.PublishedPorts);
                seen[name] = (Connects(client, "10.212.1.1", 8080), Connects(web, "10.212.1.2", 9000),
                    port.FilterAccepts, port.RepliesDropped, report.Networks.Single(n => n.Name == "web").Masquerade.Effective);
            }

            Assert.Equal((true, true, (bool?)true, (string?)null, (bool?)true), seen["none"]);
            // web's SYN,ACK leaves untracked with its own address: the client's socket asked 10.212.1.1:8080.
            // Its own SYN out is never masqueraded: the client cannot answer 10.212.2.2.
            // Masquerade is partial: the subnet's other addresses are masqueraded.
            Assert.Equal((false, false, (bool?)true, (string?)"all", (bool?)null), seen["web untracked"]);
            // The port's SYN is never DNATed (it is the router's own 8080, where nothing listens); web's
            // connections out to 9000 are tracked and masqueraded, but not those to any tcp/8080: partial.
            // (What the audit says of a port nothing is DNATed to is oracle F59's, not asked here.)
            Assert.Equal((false, true, (bool?)null), (seen["port's requests untracked"].PortConnects, seen["port's requests untracked"].OutConnects,
                seen["port's requests untracked"].Masquerade));
        }
        finally
        {
            foreach (var listener in new[] { server, outside })
            {
                listener.Kill(entireProcessTree: true);
                listener.WaitForExit();
            }
        }
    }

    private static void Listening(Netns netns, int port)
    {
        for (var i = 0; i < 50 && Processes.Run("ip", ["netns", "exec", netns.Name, "nc", "-z", "-w", "1", "127.0.0.1", $"{port}"]).ExitCode != 0; i++) Thread.Sleep(100);
    }

    /// <summary>Whether a TCP connection completes (its first try may wait for the neighbours).</summary>
    private static bool Connects(Netns from, string to, int port)
    {
        for (var attempt = 0; attempt < 3; attempt++)
            if (Processes.Run("ip", ["netns", "exec", from.Name, "nc", "-z", "-w", "1", to, $"{port}"], TimeSpan.FromSeconds(5)).ExitCode == 0)
                return true;
        return false;
    }

    /// <summary>Docker's view: network web on br-web, container web publishing 80 as 8080 on every address, masqueraded.</summary>
    private static DockerView View()
    {
        var subnet = AddressMask.TryParse("10.212.2.0/24", IpFamily.V4, out var s) ? s! : throw new InvalidOperationException();
        var network = new DockerNetwork("web", "web-id", "bridge", [new DockerSubnet(subnet, IpAddressValue.Parse("10.212.2.1", IpFamily.V4))],
            false, true, true, null, null, "br-web", false);
        var container = new DockerContainer("web", "web-c", true, "web",
            [new DockerEndpoint("web", "web-id", IpAddressValue.Parse("10.212.2.2", IpFamily.V4), null, [])], ["80/tcp"], [new PortBinding("tcp", 80, "0.0.0.0", 8080)], []);
        return new DockerView([network], [container]);
    }
}
