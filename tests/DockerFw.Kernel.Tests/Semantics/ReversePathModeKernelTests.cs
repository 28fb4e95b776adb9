using System.Text.RegularExpressions;
using DockerFw.Core.Audit;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// The reverse-path filter's mode as <see cref="HostSettings.ReversePath"/> and
/// <see cref="HostSettings.ContainerReversePath"/> take it, with real packets. A router forwards a
/// client's datagrams in on r1 to a server behind r3 from two sources: 10.211.9.5, whose route back
/// leaves by r2 (asymmetric: strict drops it, loose passes it), and 10.211.7.7, which has no route
/// back (loose drops it too, off passes both). For each row of <c>all</c>, <c>default</c> and r1's
/// own value the server counts what arrives, and the model's mode says the same: the higher of
/// all's and r1's, whatever default says. Then where a container's interface starts: a namespace
/// copies the host's <c>all</c> and <c>default</c>, and an interface made in it or moved into it
/// takes that namespace's <c>default</c>.
/// </summary>
public sealed class ReversePathModeKernelTests
{
    private const string Asymmetric = "10.211.9.5", Unrouted = "10.211.7.7", Server = "10.211.3.2";

    [KernelFact]
    public void The_kernel_drops_and_passes_as_the_higher_of_alls_and_the_interfaces_own_value_says_and_never_by_default()
    {
        using var router = Netns.Create();
        using var client = Netns.Create();
        using var server = Netns.Create();
        RoutedPeer.Link(router, "r1", "10.211.1.1/24", client, ["10.211.1.2/24", $"{Asymmetric}/32", $"{Unrouted}/32"], "10.211.1.1");
        RoutedPeer.Link(router, "r3", "10.211.3.1/24", server, [$"{Server}/24"], "10.211.3.1");
        // The client's second link, by which the router routes 10.211.9.5; the router has no default route.
        router.Exec("ip", "link", "add", "r2", "type", "veth", "peer", "name", "eth1", "netns", client.Name).EnsureOk();
        router.Exec("ip", "addr", "add", "10.211.2.1/24", "dev", "r2").EnsureOk();
        router.Exec("ip", "link", "set", "r2", "up").EnsureOk();
        client.Exec("ip", "addr", "add", "10.211.2.2/24", "dev", "eth1").EnsureOk();
        client.Exec("ip", "link", "set", "eth1", "up").EnsureOk();
        router.Exec("ip", "route", "add", $"{Asymmetric}/32", "via", "10.211.2.2", "dev", "r2").EnsureOk();
        router.Exec("sysctl", "-qw", "net.ipv4.ip_forward=1").EnsureOk();
        server.ExecWithInput(
            $"table ip dfwk_seen {{ chain input {{ type filter hook input priority 0; policy accept; ip saddr {Asymmetric} counter; ip saddr {Unrouted} counter; }}; }}",
            "nft", "-f", "-").EnsureOk();
        Set(router, "0", "0", "0");
        Assert.True(RoutedPeer.ArrivesWithin(() => Send(client, Asymmetric), () => Arrived(server, Asymmetric)), "with the filter off the asymmetric source passes");

        foreach (var (all, @default, own) in new[] { ("0", "1", "0"), ("0", "0", "1"), ("1", "0", "0"), ("1", "0", "2"), ("2", "0", "1"), ("0", "0", "3"), ("0", "2", "0") })
        {
            Set(router, all, @default, own);
            var mode = HostSettings.Unknown.With("net.ipv4.conf.all.rp_filter", all).With("net.ipv4.conf.default.rp_filter", @default)
                .With("net.ipv4.conf.r1.rp_filter", own).ReversePath("r1");
            var before = (Asymmetric: Arrived(server, Asymmetric), Unrouted: Arrived(server, Unrouted));
            Send(client, Asymmetric);
            Send(client, Unrouted);
            var passed = (Arrived(server, Asymmetric) > before.Asymmetric, Arrived(server, Unrouted) > before.Unrouted);

            Assert.Equal((mode != ReversePathMode.Strict, mode == ReversePathMode.Off), passed);
        }
    }

    [KernelFact]
    public void A_namespaces_interfaces_start_from_its_default_whether_made_there_or_moved_in()
    {
        using var host = Netns.Create();
        using var container = Netns.Create();
        host.Exec("sysctl", "-qw", "net.ipv4.conf.default.rp_filter=0").EnsureOk();
        container.Exec("sysctl", "-qw", "net.ipv4.conf.default.rp_filter=2").EnsureOk();
        host.Exec("ip", "link", "add", "made", "type", "veth", "peer", "name", "eth0", "netns", container.Name).EnsureOk();
        host.Exec("ip", "link", "add", "moved", "type", "veth", "peer", "name", "eth1").EnsureOk();
        Assert.Equal("0", Read(host, "eth1"));
        host.Exec("ip", "link", "set", "eth1", "netns", container.Name).EnsureOk();

        Assert.Equal(("2", "2", "0"), (Read(container, "eth0"), Read(container, "eth1"), Read(host, "made")));
    }

    [KernelFact]
    public void A_new_namespace_copies_the_initial_namespaces_all_and_default()
    {
        // net.core.devconf_inherit_init_net: 0 (the kernel's default) and 1 copy IPv4's from the
        // initial namespace, which this test runs in; 2 and 3 would not, and the audit assumes 0.
        var inherit = File.Exists("/proc/sys/net/core/devconf_inherit_init_net") ? File.ReadAllText("/proc/sys/net/core/devconf_inherit_init_net").Trim() : "0";
        Assert.True(inherit is "0" or "1", $"devconf_inherit_init_net is {inherit}");
        using var fresh = Netns.Create();

        foreach (var conf in new[] { "all", "default" })
            Assert.Equal(File.ReadAllText($"/proc/sys/net/ipv4/conf/{conf}/rp_filter").Trim(), Read(fresh, conf));
    }

    /// <summary>r1's own value first, so that default's write after it cannot be what r1 holds.</summary>
    private static void Set(Netns router, string all, string @default, string own) =>
        router.Exec("sysctl", "-qw", $"net.ipv4.conf.r1.rp_filter={own}", $"net.ipv4.conf.default.rp_filter={@default}", $"net.ipv4.conf.all.rp_filter={all}").EnsureOk();

    private static string Read(Netns ns, string conf) => ns.Exec("cat", $"/proc/sys/net/ipv4/conf/{conf}/rp_filter").EnsureOk().Out.Trim();

    /// <summary>Two UDP datagrams from <paramref name="source"/> to the server.</summary>
    private static void Send(Netns client, string source)
    {
        for (var i = 0; i < 2; i++)
            client.ExecBounded(TimeSpan.FromSeconds(10), "sh", "-c", $"nc -u -w0 -s {source} -p 40000 {Server} 9999 <<EOF\nx\nEOF").EnsureOk();
        Thread.Sleep(300);
    }

    /// <summary>Packets the server's input counted from the source.</summary>
    private static long Arrived(Netns server, string source)
    {
        var text = server.Exec("nft", "list", "table", "ip", "dfwk_seen").EnsureOk().Out;
        var match = Regex.Match(text, $@"ip saddr {Regex.Escape(source)} counter packets (\d+)");
        Assert.True(match.Success, text);
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
