using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Audit.Checks;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// The routing mesh's replies, checked with real connections. The lab kernel has no IPVS, so no
/// dockerd publishes a service here: the router plays the swarm node with DOCKER-INGRESS's rules as
/// moby writes them, its link named docker_gwbridge leads to a namespace playing the ingress sandbox
/// (10.211.2.2, listening on 8080), and a client on r1 connects to the router's 8080. With
/// <c>-A DOCKER-USER -i docker_gwbridge -m conntrack --ctstate ESTABLISHED -j DROP</c> every SYN is
/// let in and the sandbox's SYN,ACK dies: the kernel never completes the connection, and the audit
/// says the port open with every reply dropped (DFW253). Without it, or with a drop of the sandbox's
/// other port, the connection completes and the audit says no reply dropped.
/// </summary>
public sealed class IngressRepliesKernelTests
{
    private const string DropReplies = "filter -A DOCKER-USER -i docker_gwbridge -m conntrack --ctstate ESTABLISHED -j DROP";

    private const string DropOtherPort = "filter -A DOCKER-USER -i docker_gwbridge -p tcp -m tcp --sport 9090 -m conntrack --ctstate ESTABLISHED -j DROP";

    private static string Rules(string? user) => RulesetText.Build(
    [
        "nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS",
        "nat -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.211.2.2:8080",
        "nat -A DOCKER-INGRESS -j RETURN",
        "filter -P FORWARD DROP",
        "filter -A FORWARD -j DOCKER-USER",
        "filter -A FORWARD -j DOCKER-INGRESS",
        "filter -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT",
        "filter -A DOCKER-INGRESS -p tcp -m state --state RELATED,ESTABLISHED -m tcp --sport 8080 -j ACCEPT",
        "filter -A DOCKER-INGRESS -j RETURN",
        .. user is null ? Array.Empty<string>() : [user],
        "filter -A DOCKER-USER -j RETURN",
    ]);

    [KernelFact]
    public void An_established_drop_in_on_docker_gwbridge_kills_every_connection_and_the_audit_says_every_reply_dropped()
    {
        using var router = Netns.Create();
        using var client = Netns.Create();
        using var sandbox = Netns.Create();
        RoutedPeer.Link(router, "r1", "10.211.1.1/24", client, ["10.211.1.2/24"], "10.211.1.1");
        RoutedPeer.Link(router, OverlayFacts.Gwbridge, "10.211.2.1/24", sandbox, ["10.211.2.2/24"], "10.211.2.1");
        router.Exec("sysctl", "-qw", "net.ipv4.ip_forward=1").EnsureOk();
        using var listener = Processes.Start("ip", ["netns", "exec", sandbox.Name, "nc", "-l", "-k", "8080"]);
        try
        {
            for (var i = 0; i < 50 && Processes.Run("ip", ["netns", "exec", sandbox.Name, "nc", "-z", "-w", "1", "127.0.0.1", "8080"]).ExitCode != 0; i++) Thread.Sleep(100);
            var seen = new Dictionary<string, (bool Connects, IngressPortReport Port, List<Finding> Findings)>();
            foreach (var (name, user) in new[] { ("none", (string?)null), ("replies", DropReplies), ("other port", DropOtherPort) })
            {
                Load(router, Rules(user));
                var ruleset = IptablesSaveReader.Read(router.Exec("iptables-save").EnsureOk().Out, "iptables-save", IpFamily.V4).Value!;
                var context = new AuditContext(ruleset, Ruleset.Empty(IpFamily.V6), View(), HostSettings.Unknown);
                seen[name] = (Connects(client), Assert.Single(OverlayFacts.Of(context)!.IngressPorts),
                    [.. new OverlayCheck().Run(context).Where(f => f.Code.Code == "DFW253")]);
            }

            Assert.True(seen["none"].Connects, "without the drop the sandbox's SYN,ACK comes back");
            Assert.Equal(("open", null), (seen["none"].Port.Verdict, seen["none"].Port.RepliesDropped));
            Assert.Empty(seen["none"].Findings);

            Assert.False(seen["replies"].Connects, "the sandbox's SYN,ACK comes in on docker_gwbridge, ESTABLISHED, where the drop meets it");
            Assert.Equal(("open", "all"), (seen["replies"].Port.Verdict, seen["replies"].Port.RepliesDropped));
            Assert.Equal("-A DOCKER-USER -i docker_gwbridge -m conntrack --ctstate ESTABLISHED -j DROP",
                Assert.Single(Assert.Single(seen["replies"].Findings).Evidence).Text);

            Assert.True(seen["other port"].Connects, "a drop of the sandbox's port 9090 meets no reply from 8080");
            Assert.Equal(("open", null), (seen["other port"].Port.Verdict, seen["other port"].Port.RepliesDropped));
            Assert.Empty(seen["other port"].Findings);
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

    /// <summary>Whether a TCP connection from the client to the router's 8080 completes (its first try may wait for the neighbours).</summary>
    private static bool Connects(Netns client)
    {
        for (var attempt = 0; attempt < 3; attempt++)
            if (Processes.Run("ip", ["netns", "exec", client.Name, "nc", "-z", "-w", "1", "10.211.1.1", "8080"], TimeSpan.FromSeconds(5)).ExitCode == 0)
                return true;
        return false;
    }

    /// <summary>Docker's view of the router: the link to the sandbox is docker_gwbridge (the audit knows the network by its bridge's name).</summary>
    private static DockerView View()
    {
        var subnet = AddressMask.TryParse("10.211.2.0/24", IpFamily.V4, out var s) ? s! : throw new InvalidOperationException();
        var gwbridge = new DockerNetwork(OverlayFacts.Gwbridge, "gw-id", "bridge", [new DockerSubnet(subnet, IpAddressValue.Parse("10.211.2.1", IpFamily.V4))],
            false, false, true, null, null, OverlayFacts.Gwbridge, false);
        return new DockerView([gwbridge], []);
    }
}
