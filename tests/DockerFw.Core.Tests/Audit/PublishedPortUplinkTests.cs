using System.Collections.Immutable;
using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.NftJson;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// A published port's connections from outside arrive on any interface that is no bridge (oracle
/// F41): a rule naming the host's real uplink (Docker's documented <c>-i ext_if ! -s 192.168.1.1 -j
/// DROP</c>) is judged, per input interface, instead of asked on one model uplink no rule names.
/// Where the answer differs by interface the port is <c>partial</c> and says via which interfaces it is
/// reached (<c>reached_via</c>) or kept out (<c>via eth0</c> in <c>kept_out</c>); the replies go out
/// by the interface their connection came in on.
/// </summary>
public sealed class PublishedPortUplinkTests
{
    private static AuditReport Audit(Ruleset v4) =>
        Auditor.Run(new AuditContext(v4, Ruleset.Empty(IpFamily.V6), DockerView.Empty, HostSettings.Unknown));

    [Fact]
    public void Dockers_recipe_on_the_uplink_keeps_every_client_but_one_out_on_that_interface()
    {
        // docs.docker.com "Restrict external connections to containers": only 192.168.1.1 gets in on eth0;
        // on any other interface every client still does. The port was "filter_accepts true".
        var report = Report(new DockerHost(User: "-A DOCKER-USER -i eth0 ! -s 192.168.1.1/32 -j DROP").ToString());

        var port = Assert.Single(report.PublishedPorts);
        Assert.Null(port.FilterAccepts);
        var partial = Assert.IsType<PortClients>(port.Partial);
        Assert.Equal((null, null, null), (partial.Sources, partial.HostAddresses, partial.Interfaces));
        Assert.Equal("from any client but 192.168.1.1 via eth0", partial.KeptOut);
        var blocked = Assert.Single(report.Findings, f => f.Code == FindingCodes.PublishedPortBlocked);
        Assert.Contains("except from any client but 192.168.1.1 via eth0", blocked.Message, StringComparison.Ordinal);
        Assert.Contains(blocked.Evidence, e => e.Text.Contains("! -s 192.168.1.1/32 -i eth0 -j DROP", StringComparison.Ordinal));
    }

    [Fact]
    public void A_drop_of_everything_in_on_the_uplink_leaves_the_port_reached_only_via_the_other_interfaces()
    {
        var report = Report(new DockerHost(User: "-A DOCKER-USER -i eth0 -p tcp -m tcp --dport 80 -j DROP").ToString());

        var partial = Assert.IsType<PortClients>(Assert.Single(report.PublishedPorts).Partial);
        Assert.Equal(("any interface but eth0", null), (partial.Interfaces, partial.KeptOut));
    }

    [Fact]
    public void A_drop_of_the_replies_out_on_the_uplink_makes_that_interfaces_connections_one_way()
    {
        // The SYN in on eth0 gets in; its SYN,ACK goes back out on eth0 and dies. Other interfaces' replies pass.
        var report = Report(new DockerHost(User: "-A DOCKER-USER -i bridge1 -o eth0 -m conntrack --ctstate ESTABLISHED -j DROP").ToString());

        var port = Assert.Single(report.PublishedPorts);
        Assert.Equal((true, "via eth0"), (port.FilterAccepts, port.RepliesDropped));
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.PublishedPortBlocked
            && f.Evidence.Any(e => e.Text.Contains("-o eth0", StringComparison.Ordinal) && e.Role == "drops the container's replies"));
    }

    [Fact]
    public void An_nft_input_interface_drop_is_judged_on_that_interface()
    {
        // An admin's own table beside Docker's iptables rules: iifname "eth0" drop in the forward hook.
        const string nft = """
            {"nftables": [{"table": {"family": "inet", "name": "admin", "handle": 1}},
             {"chain": {"family": "inet", "table": "admin", "name": "forward", "handle": 1, "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}},
             {"rule": {"family": "inet", "table": "admin", "chain": "forward", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "eth0"}}, {"drop": null}]}}]}
            """;
        var read = NftJsonReader.Read(nft, "admin.json");
        Assert.Empty(read.Diagnostics);

        var report = Audit(HostRuleset.Merge(Read(new DockerHost().ToString()), read.Value!));

        var port = Assert.Single(report.PublishedPorts);
        Assert.Equal("any interface but eth0", Assert.IsType<PortClients>(port.Partial).Interfaces);
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.PublishedPortBlocked && f.Evidence.Any(e => e.Table == "inet admin"));
    }

    [Fact]
    public void Rules_that_name_no_outside_interface_keep_the_answer_whole()
    {
        // Only the bridges named: no interface side in the answer.
        var report = Report(new DockerHost().ToString());

        Assert.Equal((true, (PortClients?)null), (Assert.Single(report.PublishedPorts).FilterAccepts, Assert.Single(report.PublishedPorts).Partial));
    }
}
