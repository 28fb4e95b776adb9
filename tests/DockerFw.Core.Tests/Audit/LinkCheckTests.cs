using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Checks;
using DockerFw.Core.Docker;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// Legacy links judged from what Docker declares (<c>HostConfig.Links</c> and the server's exposed
/// ports) against what the rules do, both ways, over every packet of the pair.
/// </summary>
public sealed class LinkCheckTests
{
    private static readonly LinkCheck Check = new();

    private const string LinkAccept = "-A DOCKER -s 198.51.100.3/32 -d 198.51.100.2/32 -i bridge2 -o bridge2 -p tcp -m tcp --dport 5432 -j ACCEPT";
    private const string ReplyRule = "-A DOCKER -s 198.51.100.2/32 -d 198.51.100.3/32 -i bridge2 -o bridge2 -p tcp -m tcp --sport 5432 -j ACCEPT";

    // `docker run --link db:db web` on bridge2 (the default bridge) with icc off: web (.3) reaches db (.2) on 5432, and back.
    private static readonly DockerHost Linked = new(Bridge2IccOff: true, Docker: LinkAccept + "\n" + ReplyRule);

    // The link's ACCEPT deleted (issue 11 item 3): Docker still declares the link, the reply rule stays.
    private static readonly DockerHost AcceptDeleted = new(Bridge2IccOff: true, Docker: ReplyRule);

    private static DockerView WithContainers(params DockerContainer[] containers) => DefaultBridge(EngineView.TwoBridges(false, containers));

    private static DockerView DefaultBridge(DockerView view) =>
        view with { Networks = [.. view.Networks.Select(n => n.Name == "bridge2" ? n with { IsDefaultBridge = true } : n)] };

    private static readonly DockerContainer Web = EngineView.Container("web", "bridge2", "198.51.100.3") with { Links = [new ContainerLink("db", "db")] };
    private static readonly DockerContainer Db = EngineView.Container("db", "bridge2", "198.51.100.2") with { ExposedPorts = ["5432/tcp"] };

    private static LinkReport OnlyLink(string dump, DockerView view) => Assert.Single(Report(dump, view: view).Links);

    [Fact]
    public void A_declared_link_allowing_exactly_the_exposed_port_both_ways_raises_nothing()
    {
        Assert.Empty(Codes(Check, Linked.ToString(), view: WithContainers(Web, Db)));
        var link = OnlyLink(Linked.ToString(), WithContainers(Web, Db));
        Assert.Equal(("bridge2", "198.51.100.3", "198.51.100.2", "tcp", 5432), (link.Network, link.ClientIp, link.ServerIp, link.Protocol, link.Port));
        Assert.Equal(("web", "db", (bool?)true, (bool?)true, LinkReverse.SourcePort), (link.Client, link.Server, link.Declared, link.Open, link.Reverse));
    }

    [Fact]
    public void A_declared_link_whose_accept_was_deleted_is_blocked_and_its_reply_rule_still_opens_the_way_back()
    {
        var finding = Assert.Single(Check.Run(Context(AcceptDeleted.ToString(), view: WithContainers(Web, Db))));

        Assert.Equal("DFW530", finding.Code.Code);
        Assert.Equal(["web", "db"], finding.Containers.ToArray());
        Assert.Contains("drops every new connection from web (198.51.100.3) to db (198.51.100.2) on tcp/5432", finding.Message, StringComparison.Ordinal);
        Assert.Contains("db can open connections to any port of web from source port 5432", finding.Message, StringComparison.Ordinal);
        Assert.Contains(finding.Evidence, e => e.Text == "-A FORWARD -i bridge2 -o bridge2 -j DROP" && e.Role == "blocks the link");
        var link = OnlyLink(AcceptDeleted.ToString(), WithContainers(Web, Db));
        Assert.Equal(((bool?)true, (bool?)false, LinkReverse.SourcePort), (link.Declared, link.Open, link.Reverse));
    }

    [Fact]
    public void A_declared_link_with_no_rule_at_all_is_blocked_both_ways()
    {
        var host = new DockerHost(Bridge2IccOff: true);

        Assert.Equal(["DFW530"], Codes(Check, host.ToString(), view: WithContainers(Web, Db)));
        var link = OnlyLink(host.ToString(), WithContainers(Web, Db));
        Assert.Equal(((bool?)false, LinkReverse.None), (link.Open, link.Reverse));
    }

    [Fact]
    public void A_declared_link_open_from_some_source_ports_only_is_partial_with_its_flows()
    {
        var host = Linked with { User = "-A DOCKER-USER -s 198.51.100.3/32 -d 198.51.100.2/32 -p tcp -m tcp --sport 0:1023 --dport 5432 -j DROP" };

        var finding = Assert.Single(Check.Run(Context(host.ToString(), view: WithContainers(Web, Db))));
        Assert.Equal("DFW530", finding.Code.Code);
        Assert.Contains("only those from source ports 1024-65535 pass", finding.Message, StringComparison.Ordinal);
        var link = OnlyLink(host.ToString(), WithContainers(Web, Db));
        Assert.Null(link.Open);
        Assert.Equal([new AllowedFlow("tcp", "5432", null, "connection", SourcePorts: "1024-65535")], link.PartialFlows!.Value.ToArray());
    }

    [Fact]
    public void With_icc_on_a_declared_link_is_open_and_the_way_back_is_wider_than_the_source_port()
    {
        var view = DefaultBridge(new DockerView([EngineView.Network("bridge1", "192.0.2.0/24"), EngineView.Network("bridge2", "198.51.100.0/24")],
            [EngineView.Container("c1", "bridge1", "192.0.2.2", new PortBinding("tcp", 80, "0.0.0.0", 8080)), Web, Db]));

        Assert.Empty(Codes(Check, new DockerHost().ToString(), view: view));
        var link = OnlyLink(new DockerHost().ToString(), view);
        Assert.Equal(((bool?)true, LinkReverse.Wider), (link.Open, link.Reverse));
    }

    [Fact]
    public void Links_on_a_user_defined_network_are_dns_aliases_and_declare_no_opening()
    {
        var view = EngineView.TwoBridges(false, Web, Db);

        Assert.Empty(Codes(Check, new DockerHost(Bridge2IccOff: true).ToString(), view: view));
        Assert.Empty(Report(new DockerHost(Bridge2IccOff: true).ToString(), view: view).Links);
    }

    [Fact]
    public void An_opening_with_a_link_shape_that_no_declared_link_explains_is_reported()
    {
        var finding = Assert.Single(Check.Run(Context(Linked.ToString(), view: WithContainers(Web with { Links = [] }, Db))));

        Assert.Equal("DFW531", finding.Code.Code);
        Assert.Contains("Docker declares no link from web to db", finding.Message, StringComparison.Ordinal);
        Assert.Equal([LinkAccept], finding.Evidence.Select(e => e.Text));
        Assert.False(OnlyLink(Linked.ToString(), WithContainers(Web with { Links = [] }, Db)).Declared);
    }

    [Fact]
    public void Link_rules_for_a_container_that_is_gone_are_stale() =>
        Assert.Equal(["DFW502"], Codes(Check, Linked.ToString(), view: WithContainers(Web)));

    // db exposes 80 now: the opening on 5432 is no longer the link's, and the declared 80 is not open.
    [Fact]
    public void A_link_to_a_port_the_container_does_not_expose_is_reported_and_the_exposed_one_is_blocked() =>
        Assert.Equal(["DFW501", "DFW530"], Codes(Check, Linked.ToString(), view: WithContainers(Web, Db with { ExposedPorts = ["80/tcp"] })));

    [Fact]
    public void A_link_whose_replies_are_dropped_works_one_way_only()
    {
        var host = Linked with
        {
            User = """
                # must raise DFW501: db's answers from 5432 never reach web
                -A DOCKER-USER -s 198.51.100.2/32 -i bridge2 -o bridge2 -p tcp --sport 5432 -j DROP
                """,
        };

        Assert.Equal(["DFW501"], Codes(Check, host.ToString(), view: WithContainers(Web, Db)));
        var link = OnlyLink(host.ToString(), WithContainers(Web, Db));
        Assert.Equal(LinkReverse.None, link.Reverse);
        Assert.Equal([new AllowedFlow("tcp", "5432", null, "one-way")], link.PartialFlows!.Value.ToArray());
    }

    [Fact]
    public void With_an_inferred_view_the_openings_are_links_and_nothing_is_declared()
    {
        var link = OnlyLink(Linked.ToString(), DockerView.Empty);

        Assert.Equal(((string?)null, (bool?)null, (bool?)true, LinkReverse.SourcePort), (link.Client, link.Declared, link.Open, link.Reverse));
        Assert.Empty(Codes(Check, Linked.ToString()));
    }
}
