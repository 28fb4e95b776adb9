using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;

namespace DockerFw.Tests.Audit;

/// <summary>
/// Which network gives a container its default route of each family when its own table was not read:
/// libnetwork's sorted endpoints (docs/audit.md). The rows marked "lab" are what Docker 20.10.24's
/// kernel tables held (DefaultGatewayLabTests); the join order is the order the endpoints are listed
/// in, and never matters. Networks are named for what they are: i4, j4, h4 internal IPv4-only, i6
/// internal dual-stack, u4, a4 and the default bridge IPv4-only, z6 dual-stack; "u4:10" has
/// gw-priority 10; o4 and o6 overlay networks, m4 macvlan and p6 ipvlan (mi4: internal). "none": no
/// default route of that family; "?": undecided.
/// The drivers' gateways, from moby's sources (moby/moby, libnetwork/): the overlay driver's Join
/// (drivers/overlay/joinleave.go at 00408909, lines 27-139) sets no gateway, only static routes to the
/// network's other subnets (lines 107-114), so hasGatewayOrDefaultRoute (endpoint_info.go) and
/// selectGatewayEndpoint (default_gateway.go at 0416e318) pass over it; needDefaultGW there joins the
/// container to docker_gwbridge when no endpoint that is not internal has a gateway or a default route,
/// an endpoint Docker's view of the container does not list. macvlan's and ipvlan's Join
/// (drivers/macvlan/macvlan_joinleave.go line 44, drivers/ipvlan/ipvlan_joinleave.go line 55, at
/// 00b2c13a) set their subnets' gateways (ipvlan L3: a default route by the device) only under
/// <c>if !n.config.Internal</c>, whatever the release.
/// </summary>
public sealed class DefaultGatewayTests
{
    [Theory]
    // lab: two internal networks are ordered, the dual-stack one first, then by name, whichever was joined first.
    [InlineData("20.10.24+dfsg1", "i4 i6", "i6", "i6")]
    [InlineData("20.10.24+dfsg1", "i6 i4", "i6", "i6")]
    [InlineData("20.10.24+dfsg1", "j4 i4", "i4", "none")]
    [InlineData("20.10.24+dfsg1", "j4 i4 h4", "h4", "none")]
    // lab: a network that is not internal first, the dual-stack one first, then by name; the default bridge has no place of its own.
    [InlineData("20.10.24+dfsg1", "i6 u4", "u4", "none")]
    [InlineData("20.10.24+dfsg1", "u4 bridge", "bridge", "none")]
    [InlineData("20.10.24+dfsg1", "bridge a4", "a4", "none")]
    [InlineData("20.10.24+dfsg1", "a4 z6", "z6", "z6")]
    // From 25 an internal network's endpoints have no gateway: no default route through one.
    [InlineData("26.1.4", "i6", "none", "none")]
    [InlineData("26.1.4", "i6 i4", "none", "none")]
    [InlineData("28.2.2", "u4 i6", "u4", "none")]
    // 28: the first dual-stack endpoint takes both, even the IPv4 route of a higher gw-priority; moby#52328 later each family apart.
    [InlineData("28.2.2", "u4:10 z6", "z6", "z6")]
    [InlineData("29.1.0", "u4:10 z6", "?", "z6")]
    [InlineData(null, "u4:10 z6", "?", "z6")]
    [InlineData("28.2.2", "u4:10 i6 a4", "u4", "none")]
    // Without the Engine's version, only internal networks are in doubt.
    [InlineData(null, "a4 z6 i6", "z6", "z6")]
    [InlineData(null, "i6", "?", "?")]
    // An overlay endpoint gives no gateway: the bridge network's does, whatever the names' order.
    [InlineData("20.10.24+dfsg1", "o4 u4", "u4", "none")]
    [InlineData("28.2.2", "o6 u4", "u4", "none")]
    // Only overlays (or internal networks from 25 besides): docker_gwbridge's endpoint, which the view does not list.
    [InlineData("26.1.4", "o4", "?", "?")]
    [InlineData("20.10.24+dfsg1", "o4 i4", "i4", "none")]
    [InlineData("26.1.4", "o4 i4", "?", "?")]
    [InlineData(null, "o4 i4", "?", "?")]
    // macvlan and ipvlan give their gateways, but none on an internal network, in every release.
    [InlineData("20.10.24+dfsg1", "m4 u4", "m4", "none")]
    [InlineData("20.10.24+dfsg1", "mi4", "none", "none")]
    [InlineData("28.2.2", "p6 u4", "p6", "p6")]
    public void The_default_routes_come_from_the_first_of_libnetworks_sorted_endpoints_with_that_familys_gateway(
        string? engine, string joins, string ipv4, string ipv6)
    {
        var (container, view) = Joined(engine, joins);

        Assert.Equal((ipv4, ipv6), (Word(DefaultGateway.Of(container, IpFamily.V4, view)), Word(DefaultGateway.Of(container, IpFamily.V6, view))));
    }

    [Fact]
    public void An_undecided_route_names_each_release_s_answer_and_what_would_decide_it()
    {
        var (container, view) = Joined(null, "i4 i6");

        Assert.Equal(
            "its IPv6 default route comes from i6 in Docker 20.10 to 24, from none of its networks in 25 and later, "
            + "and the Engine's version is not known (give docker info's JSON with --docker)",
            DefaultGateway.Of(container, IpFamily.V6, view).Why);
        Assert.Equal(
            "its IPv4 default route comes from z6 in Docker 28 (and 29 before moby#52328), from u4 in releases with moby#52328, "
            + "and which of them Docker 29.1.0 follows is not known",
            DefaultGateway.Of(Joined("29.1.0", "u4:10 z6").Container, IpFamily.V4, Joined("29.1.0", "u4:10 z6").View).Why);
    }

    [Fact]
    public void A_container_only_on_an_overlay_leaves_by_docker_gwbridge_at_an_address_the_view_does_not_list()
    {
        var (container, view) = Joined("26.1.4", "o4");
        var withBridge = view with { Networks = [.. view.Networks, EngineView.Network("docker_gwbridge", "172.18.0.0/16")] };

        Assert.Equal(
            "its IPv4 default route leaves by docker_gwbridge, which libnetwork joins it to since none of its networks gives a gateway (o4 (overlay)), "
            + "at an address Docker's view of the container does not list",
            DefaultGateway.Of(container, IpFamily.V4, withBridge).Why);
        // docker_gwbridge without IPv6: no IPv6 default route.
        Assert.Equal("none", Word(DefaultGateway.Of(container, IpFamily.V6, withBridge)));
        Assert.Equal(
            "its IPv4 default route comes from i4 in Docker 20.10 to 24, from docker_gwbridge in 25 and later, "
            + "and the Engine's version is not known (give docker info's JSON with --docker)",
            DefaultGateway.Of(Joined(null, "o4 i4").Container, IpFamily.V4, Joined(null, "o4 i4").View).Why);
    }

    private static string Word(DefaultGateway gateway) => gateway switch
    {
        { Endpoint: { } e } => e.Network,
        { Why: not null } => "?",
        _ => "none",
    };

    // One container on the networks listed, in that order, each network made as its name says.
    private static (DockerContainer Container, DockerView View) Joined(string? engine, string joins)
    {
        var endpoints = new List<DockerEndpoint>();
        var networks = new List<DockerNetwork>();
        foreach (var (join, n) in joins.Split(' ').Select((j, n) => (j, n + 1)))
        {
            var name = join.Split(':')[0];
            var dual = name.EndsWith('6');
            var driver = name[0] switch { 'o' => "overlay", 'm' => "macvlan", 'p' => "ipvlan", _ => "bridge" };
            var network = EngineView.Network(name, $"10.{n}.0.0/24", isInternal: name[0] is 'i' or 'j' or 'h' || (driver != "bridge" && name[1] == 'i'))
                with { IsDefaultBridge = name == "bridge", Driver = driver };
            if (dual)
                network = network with { Subnets = [.. network.Subnets, new DockerSubnet(AddressMask.TryParse($"fd00:{n}::/64", IpFamily.V6, out var m) ? m! : throw new ArgumentException(name), null)] };
            networks.Add(network);
            endpoints.Add(new DockerEndpoint(name, name + "-id", IpAddressValue.Parse($"10.{n}.0.2", IpFamily.V4), dual ? IpAddressValue.Parse($"fd00:{n}::2", IpFamily.V6) : null, [])
            {
                GwPriority = join.Contains(':') ? long.Parse(join.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture) : 0,
            });
        }

        return (new DockerContainer("s", "s-id", true, endpoints[0].Network, [.. endpoints], [], [], []), new DockerView([.. networks], []) { EngineVersion = engine });
    }
}
