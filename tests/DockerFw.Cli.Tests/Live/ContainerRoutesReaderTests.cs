using DockerFw.Cli.Input;
using DockerFw.Cli.Live;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;

namespace DockerFw.Cli.Tests.Live;

/// <summary>
/// Live mode reads each running container's routes from /proc/State.Pid/net with one grep -H, and
/// keeps a table only where it is that container's namespace (it routes the container's own address).
/// </summary>
public sealed class ContainerRoutesReaderTests
{
    private const string Grep = "grep -s -H ^ /proc/42/net/route /proc/42/net/ipv6_route";

    // The kernel's listings of a namespace with eth0 on 172.31.81.0/24 and fd00:dfa:81::/64 and an IPv4
    // default route only, as grep -H prefixes them.
    private const string Listing = "/proc/42/net/route:Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
        + "/proc/42/net/route:eth0\t00000000\t01511FAC\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
        + "/proc/42/net/route:eth0\t00511FAC\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
        + "/proc/42/net/ipv6_route:fd000dfa008100000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth0\n"
        + "/proc/42/net/ipv6_route:00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";

    private static DockerView View(string ipv4) => new([],
        [new DockerContainer("web", "web-id", true, "inner", [new DockerEndpoint("inner", "inner-id", IpAddressValue.Parse(ipv4, IpFamily.V4), IpAddressValue.Parse("fd00:dfa:81::2", IpFamily.V6), [])], [], [], []) { Pid = 42 },
         new DockerContainer("stopped", "stopped-id", false, "inner", [], [], [], [])]);

    private static (DockerView View, IReadOnlyList<string> Notices, List<string> Commands) Read(string ipv4)
    {
        var host = new ScriptedHost(new() { [Grep] = new CommandOutcome(0, Listing, "") });
        var (view, notices) = ContainerRoutesReader.Read(new HostShell(host, "lab"), View(ipv4));
        return (view, notices, host.Commands);
    }

    [Fact]
    public void A_running_containers_tables_are_read_in_its_namespace_and_a_family_without_a_default_route_says_none()
    {
        var (view, notices, commands) = Read("172.31.81.2");

        var web = view.ContainerByName("web")!;
        Assert.Equal(["ip netns exec lab " + Grep], commands);
        Assert.Empty(notices);
        Assert.Equal("eth0", web.ObservedRoutesOf(IpFamily.V4)!.Default!.Device);
        Assert.Null(web.ObservedRoutesOf(IpFamily.V6)!.Default);
        Assert.True(view.ContainerByName("stopped")!.ObservedRoutes.IsEmpty);
    }

    [Fact]
    public void A_table_that_does_not_route_the_containers_own_address_is_not_its_namespace_and_is_left_out()
    {
        var (view, notices, _) = Read("10.9.9.2");

        Assert.True(view.ContainerByName("web")!.ObservedRoutes.IsEmpty);
        Assert.Equal(["/proc/42/net/route has no route to container web's own address 10.9.9.2: not its namespace (another PID namespace?), its default routes are inferred"], notices);
    }
}
