using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.NftJson;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// A published port's connections dropped before Docker's DNAT (oracle F42): raw PREROUTING, mangle
/// PREROUTING or an nft chain on the prerouting hook below dstnat's priority drops the client's packet
/// to the host port before it is sent on to the container, so no connection gets there; the audit
/// judged only the NATed packets and said the port was accepted. A drop on the host port after the
/// DNAT meets packets already rewritten to the container port, and drops nothing.
/// </summary>
public sealed class PublishedPortBeforeDnatTests
{
    private const string HostPortDrop = "-A PREROUTING -p tcp -m tcp --dport 8080 -j DROP";

    [Fact]
    public void A_raw_prerouting_drop_of_the_host_port_keeps_every_client_out()
    {
        var report = Report(new DockerHost(Raw: HostPortDrop).ToString());

        var port = Assert.Single(report.PublishedPorts);
        Assert.False(port.FilterAccepts);
        var blocked = Assert.Single(report.Findings, f => f.Code == FindingCodes.PublishedPortBlocked);
        Assert.Contains(blocked.Evidence, e => e.Table == "raw" && e.Text.Contains("--dport 8080 -j DROP", StringComparison.Ordinal));
    }

    [Fact]
    public void A_mangle_prerouting_drop_on_the_uplink_keeps_that_interfaces_clients_out()
    {
        var mangle = Read(new DockerHost().ToString() + "*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -i eth0 -p tcp -m tcp --dport 8080 -j DROP\nCOMMIT\n");

        var report = Auditor.Run(new AuditContext(mangle, Ruleset.Empty(IpFamily.V6), DockerView.Empty, HostSettings.Unknown));

        var partial = Assert.IsType<PortClients>(Assert.Single(report.PublishedPorts).Partial);
        Assert.Equal("any interface but eth0", partial.Interfaces);
    }

    [Fact]
    public void An_nft_prerouting_drop_below_dstnat_is_judged_and_one_above_it_meets_only_rewritten_packets()
    {
        var before = Audit(-150);
        var after = Audit(0);

        Assert.Equal("any interface but eth0", Assert.IsType<PortClients>(Assert.Single(before.PublishedPorts).Partial).Interfaces);
        Assert.Contains(before.Findings, f => f.Code == FindingCodes.PublishedPortBlocked && f.Evidence.Any(e => e.Table == "ip guardup"));
        // At priority 0 the packet's destination port is already 80: the rule on 8080 never matches.
        Assert.True(Assert.Single(after.PublishedPorts).FilterAccepts);
    }

    [Fact]
    public void A_loopback_port_a_neighbour_reaches_is_kept_out_where_a_drop_before_the_dnat_says_so()
    {
        // Docker before 28 (no raw drop of its own): a neighbour routing 127.0.0.1 through the host
        // reaches the port (DFW514), but not in on eth0, where the admin drops it in raw (seeds 4489, 4511).
        var host = new DockerHost(
            Raw: "-A PREROUTING -d 127.0.0.1/32 -i eth0 -p tcp -m tcp --dport 9090 -j DROP",
            Dnat: "-A DOCKER -d 127.0.0.1/32 ! -i bridge1 -p tcp -m tcp --dport 9090 -j DNAT --to-destination 192.0.2.2:90",
            Docker: "-A DOCKER -d 192.0.2.2/32 ! -i bridge1 -o bridge1 -p tcp -m tcp --dport 90 -j ACCEPT");

        var report = Report(host.ToString());

        var loopback = Assert.Single(report.PublishedPorts, p => p.HostPort == 9090);
        Assert.Equal("any interface but eth0", Assert.IsType<PortClients>(loopback.Partial).Interfaces);
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.LoopbackPortReachable && f.Message.Contains("any interface but eth0", StringComparison.Ordinal));
    }

    private static AuditReport Audit(int priority)
    {
        // Seed 4516's tamper: an admin's table dropping the host port as it arrives on the uplink.
        var nft = $$$"""
            {"nftables": [{"table": {"family": "ip", "name": "guardup", "handle": 3}},
             {"chain": {"family": "ip", "table": "guardup", "name": "guard_prerouting", "handle": 1, "type": "filter", "hook": "prerouting", "prio": {{{priority}}}, "policy": "accept"}},
             {"rule": {"family": "ip", "table": "guardup", "chain": "guard_prerouting", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "eth0"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 8080}}, {"drop": null}]}}]}
            """;
        var read = NftJsonReader.Read(nft, "guardup.json");
        Assert.Empty(read.Diagnostics);
        return Auditor.Run(new AuditContext(HostRuleset.Merge(Read(new DockerHost().ToString()), read.Value!), Ruleset.Empty(IpFamily.V6), DockerView.Empty, HostSettings.Unknown));
    }
}
