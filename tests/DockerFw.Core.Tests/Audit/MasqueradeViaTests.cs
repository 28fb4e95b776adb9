using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// A network's masquerade is proven over every packet that leaves by an interface that is no bridge.
/// A hand-written rule naming the uplink (<c>-o eth0</c> instead of Docker's <c>! -o bridge1</c>) NATs
/// only what leaves via eth0: the setting is partial, and its flows say it is the traffic via eth0
/// that is NATed. They named every protocol to every destination, which did not say which.
/// </summary>
public sealed class MasqueradeViaTests
{
    private static Setting Bridge1(string rule) =>
        // Docker's view given: inferred from the rules, `! -o eth0` would read as the masquerade of a bridge eth0.
        Assert.Single(Report(new DockerHost().ToString().Replace("-A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE", rule), view: EngineView.TwoBridges()).Networks,
            n => n.Name == "bridge1").Masquerade;

    [Fact]
    public void A_masquerade_of_what_leaves_via_eth0_is_partial_and_its_flow_says_via_eth0()
    {
        var masquerade = Bridge1("-A POSTROUTING -s 192.0.2.0/24 -o eth0 -j MASQUERADE");

        Assert.Null(masquerade.Effective);
        Assert.Equal(new AllowedFlow("all", null, null, ReplyFate.Connection, Via: "eth0"), Assert.Single(masquerade.PartialFlows!.Value));
        Assert.Equal("all via eth0", FlowWords.Of(masquerade.PartialFlows!.Value[0]));
    }

    [Fact]
    public void A_masquerade_of_every_interface_but_eth0_names_those_it_leaves_by()
    {
        var masquerade = Bridge1("-A POSTROUTING -s 192.0.2.0/24 ! -o eth0 -j MASQUERADE");

        Assert.Equal(new AllowedFlow("all", null, null, ReplyFate.Connection, Via: "any interface but eth0"), Assert.Single(masquerade.PartialFlows!.Value));
    }

    [Fact]
    public void A_masquerade_of_one_port_via_eth0_names_both()
    {
        var masquerade = Bridge1("-A POSTROUTING -s 192.0.2.0/24 -o eth0 -p tcp -m tcp --dport 443 -j MASQUERADE");

        Assert.Equal(new AllowedFlow("tcp", "443", null, ReplyFate.Connection, Via: "eth0"), Assert.Single(masquerade.PartialFlows!.Value));
    }

    [Fact]
    public void Dockers_masquerade_NATs_every_interface_and_names_none() =>
        Assert.Equal((true, null), (Bridge1("-A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE").Effective, Bridge1("-A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE").PartialFlows));
}
