using DockerFw.Cli.Input;
using DockerFw.Cli.Live;

namespace DockerFw.Cli.Tests.Live;

/// <summary>
/// The reverse-path filter as the kernel takes it: the higher of <c>conf/all/rp_filter</c> and each
/// interface's own. Live mode reads both (it read <c>all</c> and <c>default</c> only, so an interface's
/// own strict setting was never known), over a fake /proc and /sys tree with the real grep.
/// </summary>
public sealed class KernelSettingsReaderTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("dfw-sysctl-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private void Write(string path, string value)
    {
        var file = Path.Combine(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, value + "\n");
    }

    [Fact]
    public void Each_routed_interfaces_own_rp_filter_is_read_beside_alls_under_its_own_name()
    {
        Write("proc/sys/net/ipv4/ip_forward", "1");
        Write("proc/sys/net/bridge/bridge-nf-call-iptables", "1");
        Write("proc/sys/net/ipv4/conf/all/rp_filter", "0");
        Write("proc/sys/net/ipv4/conf/default/rp_filter", "2");
        Write("proc/sys/net/ipv4/conf/eth0/rp_filter", "1");
        // A VLAN's name keeps its dot: its sysctl is net.ipv4.conf.eth0/100.rp_filter, its directory eth0.100.
        Write("proc/sys/net/ipv4/conf/eth0.100/rp_filter", "2");
        Write("proc/sys/net/ipv4/conf/docker0/rp_filter", "0");
        Write("proc/sys/net/ipv4/conf/veth1/rp_filter", "1");

        // ip -d -j addr show: veth1 is docker0's port (master), never routed in on.
        var interfaces = KernelSettingsReader.RoutedInterfaces("""
            [{"ifindex":2,"ifname":"eth0","addr_info":[]},{"ifindex":3,"ifname":"eth0.100","addr_info":[]},
             {"ifindex":4,"ifname":"docker0","linkinfo":{"info_kind":"bridge"},"addr_info":[]},
             {"ifindex":5,"ifname":"veth1","master":"docker0","addr_info":[]},{"ifindex":6,"ifname":"eth9","addr_info":[]}]
            """);
        var (settings, _) = KernelSettingsReader.Read(new HostShell(new ProcessCommandRunner(), null), [], interfaces, root);

        Assert.Equal(["eth0", "eth0.100", "docker0", "eth9"], interfaces.ToArray());
        Assert.Equal(
            [("net.ipv4.conf.all.rp_filter", "0"), ("net.ipv4.conf.default.rp_filter", "2"), ("net.ipv4.conf.docker0.rp_filter", "0"),
             ("net.ipv4.conf.eth0.100.rp_filter", "2"), ("net.ipv4.conf.eth0.rp_filter", "1")],
            settings.Sysctls.Where(kv => kv.Key.EndsWith(".rp_filter", StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)));
        Assert.True(settings.IpForward);
    }
}
