using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// A published port's replies leave by the host's route to the client, not by the interface the
/// connection came in on (oracle F41's left), checked with real connections. The router publishes
/// 8080 to the server's port 80 behind r3 as Docker does; the client reaches it on r1 from 10.210.9.5,
/// to which the router's route is via r2 (the client's second link), so the SYN,ACK leaves by r2.
/// With <c>-A FORWARD -o r2 --ctstate ESTABLISHED -j DROP</c> the kernel never completes the
/// connection; without it, it does. Given the router's routes the audit names that client's replies
/// dropped; asked out by r1 (symmetric routing, no routes) they were not.
/// </summary>
public sealed class PublishedPortReplyRouteKernelTests
{
    private const string Far = "10.210.9.5";

    // A client address the router has no route to (it has no default route).
    private const string Unrouted = "10.210.7.7";

    /// <param name="dropOutR2">With the admin's drop of what leaves by r2 on an established connection.</param>
    private static string Rules(bool dropOutR2) => RulesetText.Build(
    [
        "nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
        "nat -A DOCKER ! -i r3 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.210.3.2:80",
        "filter -P FORWARD DROP",
        .. dropOutR2 ? new[] { "filter -A FORWARD -o r2 -m conntrack --ctstate RELATED,ESTABLISHED -j DROP" } : [],
        "filter -A FORWARD -o r3 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
        "filter -A FORWARD -d 10.210.3.2/32 ! -i r3 -o r3 -p tcp -m tcp --dport 80 -j ACCEPT",
        "filter -A FORWARD -i r3 ! -o r3 -j ACCEPT",
    ]);

    [KernelFact]
    public void A_reply_routed_out_another_interface_meets_that_interfaces_drop_and_the_audit_follows_the_route()
    {
        using var router = Netns.Create();
        using var client = Netns.Create();
        using var server = Netns.Create();
        RoutedPeer.Link(router, "r1", "10.210.1.1/24", client, ["10.210.1.2/24", $"{Far}/32", $"{Unrouted}/32"], "10.210.1.1");
        RoutedPeer.Link(router, "r3", "10.210.3.1/24", server, ["10.210.3.2/24"], "10.210.3.1");
        // The client's second link, by which the router sends everything to 10.210.9.5.
        router.Exec("ip", "link", "add", "r2", "type", "veth", "peer", "name", "eth1", "netns", client.Name).EnsureOk();
        router.Exec("ip", "addr", "add", "10.210.2.1/24", "dev", "r2").EnsureOk();
        router.Exec("ip", "link", "set", "r2", "up").EnsureOk();
        client.Exec("ip", "addr", "add", "10.210.2.2/24", "dev", "eth1").EnsureOk();
        client.Exec("ip", "link", "set", "eth1", "up").EnsureOk();
        router.Exec("ip", "route", "add", $"{Far}/32", "via", "10.210.2.2", "dev", "r2").EnsureOk();
        // Asymmetric routing must be let through (the kernel's own default in a new namespace, said here).
        foreach (var (ns, key) in new[] { (router, "net.ipv4.ip_forward=1"), (router, "net.ipv4.conf.all.rp_filter=0"), (router, "net.ipv4.conf.r1.rp_filter=0"),
                     (client, "net.ipv4.conf.all.rp_filter=0"), (client, "net.ipv4.conf.eth1.rp_filter=0") })
            ns.Exec("sysctl", "-qw", key).EnsureOk();
        using var listener = Processes.Start("ip", ["netns", "exec", server.Name, "nc", "-l", "-k", "80"]);
        try
        {
            for (var i = 0; i < 50 && Processes.Run("ip", ["netns", "exec", server.Name, "nc", "-z", "-w", "1", "127.0.0.1", "80"]).ExitCode != 0; i++) Thread.Sleep(100);
            Load(router, Rules(dropOutR2: false));
            Assert.True(Connects(client), "without the drop the reply comes back by r2");
            // The router has no default route: a client it has no route to gets no SYN,ACK, no rule needed.
            Assert.False(Connects(client, Unrouted), "the router has no route back to 10.210.7.7");
            Load(router, Rules(dropOutR2: true));
            Assert.False(Connects(client), "the SYN,ACK leaves by r2, where the drop meets it");

            var routes = RouteListReader.Read(router.Exec("ip", "-j", "route", "show", "table", "all").EnsureOk().Out, "ip-route.json");
            Assert.Empty(routes.Diagnostics);
            var ruleset = IptablesSaveReader.Read(router.Exec("iptables-save").EnsureOk().Out, "iptables-save", IpFamily.V4).Value!;
            var context = new AuditContext(ruleset, Ruleset.Empty(IpFamily.V6), View(), HostSettings.Unknown);

            var symmetric = Assert.Single(Auditor.Run(context).PublishedPorts);
            var routed = Assert.Single(Auditor.Run(context with { Routes = routes.Value }).PublishedPorts);

            Assert.Equal((true, "via r2"), (symmetric.FilterAccepts, symmetric.RepliesDropped));
            Assert.True(routed.FilterAccepts);
            // 10.210.9.5 and r2's subnet are routed via r2: their replies die whichever interface the
            // connection came in on (the kernel's case above: in on r1). The sources the routes do not
            // decide (the router's own and broadcast addresses) keep the symmetric answer; those it has no
            // route to (10.210.7.7 above) get no reply at all, which no rule decides (replies_unrouted).
            Assert.Equal("from 10.210.2.0,10.210.2.2-10.210.2.254,10.210.9.5, from 10.210.1.1,10.210.1.255,10.210.2.1,10.210.2.255 via r2", routed.RepliesDropped);
            Assert.Equal("from any client but 10.210.1.0-10.210.2.255,10.210.9.5", routed.RepliesUnrouted);
        }
        finally
        {
            listener.Kill(entireProcessTree: true);
            listener.WaitForExit();
        }
    }

    private static void Load(Netns router, string rules)
    {
        var load = router.ExecWithInput(rules, "iptables-restore");
        Assert.True(load.ExitCode == 0, load.Error);
    }

    /// <summary>Whether a TCP connection from 10.210.9.5 to the router's 8080 completes (its first try may wait for the neighbours).</summary>
    private static bool Connects(Netns client, string from = Far)
    {
        for (var attempt = 0; attempt < 3; attempt++)
            if (Processes.Run("ip", ["netns", "exec", client.Name, "nc", "-z", "-w", "1", "-s", from, "10.210.1.1", "8080"], TimeSpan.FromSeconds(5)).ExitCode == 0)
                return true;
        return false;
    }

    /// <summary>Docker's view of the router: the server is container web on network net, whose bridge is r3.</summary>
    private static DockerView View()
    {
        var subnet = AddressMask.TryParse("10.210.3.0/24", IpFamily.V4, out var s) ? s! : throw new InvalidOperationException();
        var network = new DockerNetwork("net", "net-id", "bridge", [new DockerSubnet(subnet, IpAddressValue.Parse("10.210.3.1", IpFamily.V4))],
            false, true, true, null, null, "r3", false);
        var binding = new PortBinding("tcp", 80, "0.0.0.0", 8080);
        var web = new DockerContainer("web", "web-id", true, "net",
            [new DockerEndpoint("net", "net-id", IpAddressValue.Parse("10.210.3.2", IpFamily.V4), null, [])], ["80/tcp"], [binding], []);
        return new DockerView([network], [web]);
    }
}
