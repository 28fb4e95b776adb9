using DockerFw.Core.Audit.Checks;
using DockerFw.Core.Docker;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

public sealed class LinkCheckTests
{
    private static readonly LinkCheck Check = new();

    // `docker run --link db:db web` on bridge2 with icc off: web (.3) reaches db (.2) on 5432, and back.
    private static readonly DockerHost Linked = new(Bridge2IccOff: true, Docker: """
        -A DOCKER -s 198.51.100.3/32 -d 198.51.100.2/32 -i bridge2 -o bridge2 -p tcp -m tcp --dport 5432 -j ACCEPT
        -A DOCKER -s 198.51.100.2/32 -d 198.51.100.3/32 -i bridge2 -o bridge2 -p tcp -m tcp --sport 5432 -j ACCEPT
        """);

    private static DockerView WithContainers(params DockerContainer[] containers) => EngineView.TwoBridges(false, containers);

    private static readonly DockerContainer Web = EngineView.Container("web", "bridge2", "198.51.100.3");
    private static readonly DockerContainer Db = EngineView.Container("db", "bridge2", "198.51.100.2") with { ExposedPorts = ["5432/tcp"] };

    [Fact]
    public void A_link_allowing_exactly_the_exposed_port_both_ways_raises_nothing()
    {
        Assert.Empty(Codes(Check, Linked.ToString(), view: WithContainers(Web, Db)));
        var link = Assert.Single(Report(Linked.ToString()).Links);
        Assert.Equal(("bridge2", "198.51.100.3", "198.51.100.2", "tcp", 5432), (link.Network, link.ClientIp, link.ServerIp, link.Protocol, link.Port));
    }

    [Fact]
    public void Link_rules_for_a_container_that_is_gone_are_stale() =>
        Assert.Equal(["DFW502"], Codes(Check, Linked.ToString(), view: WithContainers(Web)));

    [Fact]
    public void A_link_to_a_port_the_container_does_not_expose_is_reported() =>
        Assert.Equal(["DFW501"], Codes(Check, Linked.ToString(), view: WithContainers(Web, Db with { ExposedPorts = ["80/tcp"] })));

    [Fact]
    public void A_link_whose_replies_are_dropped_works_one_way_only() =>
        Assert.Equal(["DFW501"], Codes(Check, (Linked with { User = """
            # must raise DFW501: db's answers from 5432 never reach web
            -A DOCKER-USER -s 198.51.100.2/32 -i bridge2 -o bridge2 -p tcp --sport 5432 -j DROP
            """ }).ToString(), view: WithContainers(Web, Db)));
}
