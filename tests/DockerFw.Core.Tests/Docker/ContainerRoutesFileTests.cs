using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using static DockerFw.Tests.Docker.ProcRouteReaderTests;

namespace DockerFw.Tests.Docker;

/// <summary>
/// --container-routes: per container, its /proc/PID/net/route and ipv6_route as the kernel printed
/// them, under a line `container NAME`; a family counts as read only where its lines stand.
/// </summary>
public sealed class ContainerRoutesFileTests
{
    private static readonly DockerView View = new([],
        [new DockerContainer("web", "0123456789abcdef0123", true, "n0", [], [], [], []), new DockerContainer("db", "fedcba9876543210fedc", true, "n0", [], [], [], [])]);

    [Fact]
    public void Each_container_gets_the_tables_under_its_name_or_id_and_no_others()
    {
        var text = "# saved by the loop in docs/cli.md\ncontainer web\n" + Ipv4Default + Ipv6NoDefault + "container fedcba987654\n" + Ipv4NoDefault;

        var read = ContainerRoutesFile.Read(text, "routes.txt");
        var view = ContainerRoutesFile.Apply(View, read.Value!);

        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));
        var web = view.ContainerByName("web")!;
        Assert.Equal("172.31.81.1", IpAddressValue.Format(web.ObservedRoutesOf(IpFamily.V4)!.Default!.Gateway, IpFamily.V4));
        Assert.Null(web.ObservedRoutesOf(IpFamily.V6)!.Default);
        var db = view.ContainerByName("db")!;
        Assert.Null(db.ObservedRoutesOf(IpFamily.V4)!.Default);
        Assert.Null(db.ObservedRoutesOf(IpFamily.V6));
    }

    [Theory]
    [InlineData("eth0\t00000000\t01511FAC\t0003\t0\t0\t0\t00000000\t0\t0\t0\n", "routes.txt:1:1: error: expected 'container NAME' before the routes, but got 'eth0\t00000000\t01511FAC\t0003\t0\t0\t0\t00000000\t0\t0\t0' [DFW180]")]
    [InlineData("container web\ndefault via 172.31.81.1 dev eth0\n", "routes.txt:2:1: error: expected a line of /proc/PID/net/route or /proc/PID/net/ipv6_route, but got 'default via 172.31.81.1 dev eth0' [DFW180]")]
    public void Anything_else_is_an_error_at_its_line(string text, string expected) =>
        Assert.Equal(expected, Assert.Single(ContainerRoutesFile.Read(text, "routes.txt").Diagnostics).Render());
}
