using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Checks;
using DockerFw.Core.Docker;
using DockerFw.Core.Host;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

public sealed class HostCheckTests
{
    private static readonly HostCheck Check = new();

    [Fact]
    public void A_host_as_dockerd_leaves_it_raises_nothing() =>
        Assert.Empty(Codes(Check, new DockerHost().ToString(), Sysctl("net.ipv4.ip_forward=1")));

    [Fact]
    public void A_FORWARD_policy_of_ACCEPT_is_reported() =>
        Assert.Equal(["DFW601"], Codes(Check, new DockerHost(ForwardPolicy: "ACCEPT").ToString()));

    [Fact]
    public void A_FORWARD_without_the_jump_to_DOCKER_USER_is_reported() =>
        Assert.Equal(["DFW602"], Codes(Check, new DockerHost().ToString().Replace("-A FORWARD -j DOCKER-USER", "# jump deleted: must raise DFW602")));

    [Fact]
    public void A_FORWARD_rule_above_the_jump_that_decides_traffic_is_reported() =>
        Assert.Equal(["DFW603"], Codes(Check, new DockerHost(Forward: """
            # must raise DFW603: traffic from eth0 is accepted before DOCKER-USER sees it
            -A FORWARD -i eth0 -j ACCEPT
            """).ToString()));

    [Fact]
    public void A_FORWARD_rule_above_the_jump_that_only_logs_is_not() =>
        Assert.Empty(Codes(Check, new DockerHost(Forward: "-A FORWARD -i eth0 -j LOG").ToString()));

    [Fact]
    public void An_unconditional_ACCEPT_in_DOCKER_USER_is_reported() =>
        Assert.Equal(["DFW606"], Codes(Check, new DockerHost(User: """
            # must raise DFW606: everything is accepted before isolation, icc and port rules
            -A DOCKER-USER -j ACCEPT
            """).ToString()));

    [Theory]
    [InlineData("2")]
    [InlineData("-1")]
    public void Any_number_but_zero_turns_a_switch_on_as_in_the_kernel(string value)
    {
        Assert.Empty(Codes(Check, new DockerHost().ToString(), Sysctl("net.ipv4.ip_forward=" + value)));
        Assert.True(Sysctl("net.bridge.bridge-nf-call-iptables=" + value).BridgeNfCallIptables);
    }

    [Fact]
    public void Ip_forward_off_is_reported() =>
        Assert.Equal(["DFW604"], Codes(Check, new DockerHost().ToString(), Sysctl("net.ipv4.ip_forward=0")));

    [Fact]
    public void Rules_of_the_other_back_end_that_drop_container_traffic_are_reported()
    {
        var legacy = Read("""
            # another tool's iptables-legacy rules: FORWARD drops what Docker's iptables-nft rules accept
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD DROP [0:0]
            :OUTPUT ACCEPT [0:0]
            COMMIT
            """);
        var context = new AuditContext(OtherBackendTables.Merge(Read(new DockerHost().ToString()), legacy), Ruleset.Empty(IpFamily.V6), DockerView.Empty, HostSettings.Unknown)
        {
            OtherBackends = [legacy],
        };

        Assert.Equal(["DFW605", "DFW609", "DFW609"], Check.Run(context).Select(f => f.Code.Code).Order());
    }

    [Fact]
    public void Rules_the_engine_can_only_approximate_are_listed_with_their_place()
    {
        var finding = Assert.Single(Check.Run(Context(new DockerHost(User: """
            # the members of the set are not in the dump: must raise DFW607 naming this rule
            -A DOCKER-USER -m set --match-set blocklist src -j DROP
            """).ToString())));

        Assert.Equal("DFW607", finding.Code.Code);
        Assert.Equal(("filter", "DOCKER-USER", 1), (finding.Evidence[0].Table, finding.Evidence[0].Chain, finding.Evidence[0].Rule));
    }

    [Fact]
    public void A_network_whose_subnet_no_rule_shows_is_reported() =>
        Assert.Equal(["DFW608"], Codes(Check, new DockerHost().ToString().Replace("-A POSTROUTING -s 198.51.100.0/24 ! -o bridge2 -j MASQUERADE", "")));
}
