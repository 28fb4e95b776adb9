using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using static DockerFw.Tests.Audit.DualStackHost;

namespace DockerFw.Tests.Audit;

/// <summary>
/// With icc off in ip6tables, a pair of accepts between two containers on one port is a link's
/// opening there too: it is judged as the IPv4 ones are, against the containers' IPv6 addresses.
/// </summary>
public sealed class LinkIpv6Tests
{
    // `--link db:db web` with icc off in IPv6: web (::3) reaches db (::4) on 5432, and back.
    private const string Linked = """
        -A DOCKER -s 2001:db8:1::3/128 -d 2001:db8:1::4/128 -i bridge1 -o bridge1 -p tcp -m tcp --dport 5432 -j ACCEPT
        -A DOCKER -s 2001:db8:1::4/128 -d 2001:db8:1::3/128 -i bridge1 -o bridge1 -p tcp -m tcp --sport 5432 -j ACCEPT
        """;

    private static DockerView IccOff(params DockerContainer[] containers)
    {
        var view = View(EveryAddress);
        return view with
        {
            Networks = [.. view.Networks.Select(n => n.Name == "bridge1" ? n with { EnableIcc = false } : n)],
            Containers = [.. view.Containers, .. containers],
        };
    }

    private static readonly DockerContainer Web = Container("web", 3);
    private static readonly DockerContainer Db = Container("db", 4, "5432/tcp");

    private static string[] LinkCodes(AuditReport report) =>
        [.. report.Findings.Where(f => f.Code.Check == "link").Select(f => f.Code.Code).Order(StringComparer.Ordinal)];

    [Fact]
    public void A_link_allowing_the_exposed_port_both_ways_in_ip6tables_is_an_IPv6_link_and_raises_nothing()
    {
        var report = AuditOf(V6(docker: Linked, iccOff: true), IccOff(Web, Db));

        Assert.Empty(LinkCodes(report));
        var link = Assert.Single(report.LinksV6!.Value);
        Assert.Equal(("bridge1", "2001:db8:1::3", "2001:db8:1::4", "tcp", 5432), (link.Network, link.ClientIp, link.ServerIp, link.Protocol, link.Port));
        // Docker writes link rules in IPv4 only: nothing is declared in IPv6.
        Assert.Equal(("web", "db", (bool?)null, (bool?)true), (link.Client, link.Server, link.Declared, link.Open));
        Assert.Empty(report.Links);
    }

    [Fact]
    public void An_IPv6_link_to_a_container_that_is_gone_is_stale_over_IPv6()
    {
        var finding = Assert.Single(AuditOf(V6(docker: Linked, iccOff: true), IccOff(Web)).Findings, f => f.Code.Check == "link");

        Assert.Equal("DFW502", finding.Code.Code);
        Assert.StartsWith("over IPv6 (ip6tables), bridge1 accepts tcp/5432 from 2001:db8:1::3 to 2001:db8:1::4, but no container has 2001:db8:1::4 any more", finding.Message);
        Assert.All(finding.Evidence, e => Assert.Equal(Core.Model.Values.IpFamily.V6, e.Family));
    }

    [Fact]
    public void An_IPv6_link_whose_replies_ip6tables_drops_works_one_way_only() =>
        Assert.Equal(["DFW501"], LinkCodes(AuditOf(V6(docker: Linked, iccOff: true, user: """
            # must raise DFW501 over IPv6: db's answers from 5432 never reach web in ip6tables
            -A DOCKER-USER -s 2001:db8:1::4/128 -i bridge1 -o bridge1 -p tcp --sport 5432 -j DROP
            """), IccOff(Web, Db))));

    [Fact]
    public void With_icc_on_in_ip6tables_there_is_no_link_to_find() =>
        Assert.Empty(AuditOf(V6(docker: Linked), View(EveryAddress)).LinksV6!.Value);
}
