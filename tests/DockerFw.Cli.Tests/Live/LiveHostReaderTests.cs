using DockerFw.Cli.Input;
using DockerFw.Cli.Live;
using DockerFw.Cli.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace DockerFw.Cli.Tests.Live;

public sealed class LiveHostReaderTests
{
    private const string Bridges =
        """
        [{"ifindex":1,"ifname":"lo","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8}]},
         {"ifindex":3,"ifname":"docker0","linkinfo":{"info_kind":"bridge"},"addr_info":[{"family":"inet","local":"172.17.0.1","prefixlen":16}]},
         {"ifindex":4,"ifname":"br-0123456789ab","linkinfo":{"info_kind":"bridge"},"addr_info":[]},
         {"ifindex":5,"ifname":"veth1","linkinfo":{"info_kind":"veth"},"addr_info":[]}]
        """;

    private const string Sysctls =
        """
        /proc/sys/net/ipv4/ip_forward:1
        /proc/sys/net/bridge/bridge-nf-call-iptables:0
        /sys/class/net/docker0/bridge/nf_call_iptables:1

        """;

    // docker-proxy on both families for one published port, and a process of another kind.
    private const string Sockets =
        """
        tcp   LISTEN 0      4096         0.0.0.0:8080      0.0.0.0:*    users:(("docker-proxy",pid=4242,fd=4))
        tcp   LISTEN 0      4096            [::]:8080         [::]:*    users:(("docker-proxy",pid=4250,fd=4))
        tcp   LISTEN 0      128          0.0.0.0:22        0.0.0.0:*    users:(("sshd",pid=700,fd=3))

        """;

    private const string Processes =
        """
           4242 /usr/sbin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.17.0.2 -container-port 80
           4250 /usr/sbin/docker-proxy -proto tcp -host-ip :: -host-port 8080 -container-ip 172.17.0.2 -container-port 80

        """;

    private static Dictionary<string, CommandOutcome> Host(string v4Stderr = "") => new()
    {
        ["ss -Hltunp"] = ScriptedHost.Ok(Sockets),
        ["ps -ww"] = ScriptedHost.Ok(Processes),
        ["iptables-save"] = ScriptedHost.Ok("*filter\n:FORWARD DROP [0:0]\nCOMMIT\n", v4Stderr),
        ["ip6tables-save"] = ScriptedHost.Ok("*filter\nCOMMIT\n"),
        ["iptables-legacy-save"] = ScriptedHost.Ok("*nat\nCOMMIT\n"),
        ["nft -j list ruleset"] = ScriptedHost.Ok("{\"nftables\": []}"),
        ["ip -d -j addr show"] = ScriptedHost.Ok(Bridges),
        ["ip -4 -j route show table all"] = ScriptedHost.Ok("""[{"dst":"default","gateway":"192.0.2.1","dev":"eth0"},{"type":"local","dst":"192.0.2.2","dev":"eth0","table":"local"}]"""),
        ["ip -6 -j route show table all"] = ScriptedHost.Ok("[]"),
        ["ip -4 -j rule show"] = ScriptedHost.Ok("""[{"priority":0,"src":"all","table":"local"},{"priority":32766,"src":"all","table":"main"},{"priority":32767,"src":"all","table":"default"}]"""),
        ["ip -6 -j rule show"] = ScriptedHost.Ok("""[{"priority":0,"src":"all","table":"local"},{"priority":32766,"src":"all","table":"main"}]"""),
        ["grep -s ^ /run/flannel/subnet.env"] = new CommandOutcome(2, "", ""),
        ["ipset save"] = ScriptedHost.Ok("create blocked hash:ip family inet hashsize 1024 maxelem 65536\nadd blocked 203.0.113.9\n"),
        ["grep"] = new CommandOutcome(2, Sysctls, ""),
    };

    private static LiveHost Read(ScriptedHost host, string? netns = "lab") =>
        new LiveHostReader(host, new LiveFirewallReader(host), new FixedPrivilege(true), new DockerEnvironment(null))
            .Read(InputOptions.Live with { Netns = netns }, readEngine: false);

    [Fact]
    public void Every_tool_runs_inside_the_namespace_through_ip_netns_exec()
    {
        var host = new ScriptedHost(Host());

        Read(host);

        Assert.All(host.Commands, c => Assert.StartsWith("ip netns exec lab ", c));
        Assert.Equal(
            ["iptables-save", "ip6tables-save", "nft -j list ruleset", "ip -d -j addr show", "ip -4 -j route show table all", "ip -6 -j route show table all", "ip -4 -j rule show", "ip -6 -j rule show"],
            host.Commands.Take(8).Select(c => c["ip netns exec lab ".Length..]));
    }

    [Fact]
    public void The_ipsets_are_read_with_ipset_save_and_a_failure_leaves_them_unknown_with_a_notice()
    {
        var read = Read(new ScriptedHost(Host()));
        var failed = Read(new ScriptedHost(new Dictionary<string, CommandOutcome>(Host())
        {
            ["ipset save"] = new CommandOutcome(1, "", "ipset v7.17: Kernel error received: Operation not permitted\n"),
        }));

        Assert.Equal("create blocked hash:ip family inet hashsize 1024 maxelem 65536\nadd blocked 203.0.113.9\n", read.IpSets);
        Assert.Null(failed.IpSets);
        Assert.Contains("ip netns exec lab ipset save failed (ipset v7.17: Kernel error received: Operation not permitted): the members of the host's ipsets are unknown",
            failed.Notices);
    }

    [Fact]
    public void The_docker_proxy_listeners_are_the_namespaces_sockets_completed_by_their_processes_arguments()
    {
        var host = new ScriptedHost(Host());

        var live = Read(host);

        Assert.Contains("ip netns exec lab ss -Hltunp", host.Commands);
        Assert.Contains("ip netns exec lab ps -ww -o pid=,args= -p 4242,4250", host.Commands);
        Assert.Equal(["tcp 0.0.0.0:8080 -> 172.17.0.2:80", "tcp [::]:8080 -> 172.17.0.2:80"], live.Proxies!.Value.Select(l => l.ToString()));
        Assert.Equal([4242, 4250], live.Proxies.Value.Select(l => l.Pid));
    }

    [Fact]
    public void Sockets_whose_processes_ss_cannot_see_leave_the_listeners_to_dockers_view_with_a_notice()
    {
        // What ss prints in a container without CAP_SYS_PTRACE: the sockets, no process (docs/install.md).
        var hidden = string.Join('\n', Sockets.Split('\n').Select(l => l.Contains("users:", StringComparison.Ordinal) ? l[..l.IndexOf("users:", StringComparison.Ordinal)] : l));
        var host = new ScriptedHost(new Dictionary<string, CommandOutcome>(Host()) { ["ss -Hltunp"] = ScriptedHost.Ok(hidden) });

        var live = Read(host);

        Assert.Null(live.Proxies);
        Assert.Contains(live.Notices, n => n.StartsWith("ss showed no socket's process", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Commands, c => c.Contains("ps -ww", StringComparison.Ordinal));
    }

    [Fact]
    public void The_sysctls_and_each_bridges_own_nf_call_iptables_are_read_in_one_grep_into_host_settings()
    {
        var host = new ScriptedHost(Host());

        var live = Read(host);

        var grep = host.Commands.Single(c => c.Contains("grep -H", StringComparison.Ordinal));
        Assert.Contains(" /proc/sys/net/ipv4/ip_forward", grep);
        Assert.Contains(" /proc/sys/net/bridge/bridge-nf-call-iptables", grep);
        Assert.Contains(" /sys/class/net/docker0/bridge/nf_call_iptables", grep);
        Assert.Contains(" /sys/class/net/br-0123456789ab/bridge/nf_call_iptables", grep);
        // Each routed interface's own rp_filter (the kernel takes the higher of it and all's); veth1 has no
        // master here, so it is read too.
        Assert.Contains(" /proc/sys/net/ipv4/conf/docker0/rp_filter /proc/sys/net/ipv4/conf/br-0123456789ab/rp_filter", grep);
        Assert.Contains(" /proc/sys/net/ipv4/conf/veth1/rp_filter", grep);
        Assert.DoesNotContain("veth1/bridge", grep);
        Assert.True(live.Settings.IpForward);
        Assert.False(live.Settings.BridgeNfCallIptables);
        Assert.True(live.Settings.BridgedTrafficFiltered("docker0"));
        Assert.False(live.Settings.BridgedTrafficFiltered("br-0123456789ab"));
        Assert.Null(live.Settings.BridgeNfCallIp6tables);
    }

    [Fact]
    public void The_bridges_and_their_addresses_are_kept()
    {
        var live = Read(new ScriptedHost(Host()));

        Assert.Equal(
            [new HostBridge("docker0", ["172.17.0.1/16"]), new HostBridge("br-0123456789ab", [])],
            live.Bridges.ToArray(), HostBridgeComparer.Instance);
    }

    [Fact]
    public void The_nftables_ruleset_is_kept_as_text_and_its_absence_is_a_notice()
    {
        Assert.Equal("{\"nftables\": []}", Read(new ScriptedHost(Host())).NftJson);

        var without = Read(new ScriptedHost(Host(), nftInstalled: false));

        Assert.Null(without.NftJson);
        Assert.Contains(without.Notices, n => n.StartsWith("nft is not installed", StringComparison.Ordinal));
    }

    [Fact]
    public void Legacy_tables_present_makes_the_legacy_back_end_read_too()
    {
        var host = new ScriptedHost(Host("# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n"));

        var live = Read(host, netns: null);

        Assert.Contains("iptables-legacy-save", host.Commands);
        Assert.DoesNotContain("ip6tables-legacy-save", host.Commands);
        Assert.Equal(["iptables-legacy-save"], live.OtherBackends.Select(d => d.Name));
        Assert.Contains(live.Notices, n => n.Contains("both iptables back ends hold tables", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_br_netfilter_bridged_traffic_is_known_not_to_reach_iptables()
    {
        var answers = Host();
        answers["grep"] = new CommandOutcome(2, "/proc/sys/net/ipv4/ip_forward:1\n", "");

        var live = Read(new ScriptedHost(answers));

        Assert.False(live.Settings.BridgeNfCallIptables);
        Assert.Contains(live.Notices, n => n.StartsWith("br_netfilter is not loaded", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failing_command_is_an_error_quoting_its_stderr()
    {
        var answers = Host();
        answers["ip -d -j addr show"] = new CommandOutcome(1, "", "Cannot open netlink socket: Protocol not supported\n");

        var failure = Assert.Throws<CliFailure>(() => Read(new ScriptedHost(answers)));

        Assert.Equal("'ip netns exec lab ip -d -j addr show' failed with exit code 1: Cannot open netlink socket: Protocol not supported", failure.Message);
    }

    [Fact]
    public void Not_root_is_an_error_naming_what_needs_privilege_before_anything_runs()
    {
        var host = new ScriptedHost(Host());
        Action<IServiceCollection> services = s => s
            .AddSingleton<IHostCommandRunner>(host)
            .AddSingleton<IPrivilege>(new FixedPrivilege(false));

        var run = Dockerfw.Run(["audit", "--netns", "lab"], stdin: "", services);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(host.Commands);
        Assert.Equal(
            "dockerfw: error: live mode needs root: iptables-save and ip6tables-save read the firewall through netlink, "
            + "'ip netns exec lab' enters the namespace, and the Docker socket is root's; run dockerfw as root, or audit saved dumps with --iptables FILE\n",
            run.Error);
    }

    [Fact]
    public void Without_a_docker_socket_the_audit_uses_the_ruleset_alone_and_says_so()
    {
        var host = new ScriptedHost(Host());
        var missing = $"/tmp/dfwlive-no-such-socket-{Environment.ProcessId}.sock";
        Action<IServiceCollection> services = s => s
            .AddSingleton<IHostCommandRunner>(host)
            .AddSingleton<IPrivilege>(new FixedPrivilege(true))
            .AddSingleton(new DockerEnvironment("unix://" + missing));

        var run = Dockerfw.Run(["audit", "--netns", "lab", "--format", "json"], stdin: "", services);

        Assert.True(run.ExitCode is 0 or 1, run.ToString());
        Assert.Contains($"no Docker Engine socket at {missing} (from DOCKER_HOST): auditing the ruleset alone", run.Out);
        Assert.Contains("\"inferred\": true", run.Out);
        Assert.Contains("\"net.ipv4.ip_forward\": \"1\"", run.Out);
    }

    [Theory]
    [InlineData("audit")]
    [InlineData("snapshot")]
    [InlineData("trace")]
    [InlineData("reach")]
    public void A_docker_host_the_user_names_without_a_socket_is_an_error_not_a_quieter_run(string command)
    {
        var host = new ScriptedHost(Host());
        var missing = $"/tmp/dfwlive-no-such-socket-{Environment.ProcessId}.sock";
        Action<IServiceCollection> services = s => s
            .AddSingleton<IHostCommandRunner>(host)
            .AddSingleton<IPrivilege>(new FixedPrivilege(true));
        string[] packet = command == "trace" ? ["--src", "10.0.0.1", "--dst", "10.0.0.2", "--proto", "tcp"] : [];

        var run = Dockerfw.Run([command, "--netns", "lab", "--docker-host", "unix://" + missing, .. packet], stdin: "", services);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.EndsWith($"dockerfw: error: no Docker Engine socket at {missing} (named by --docker-host): is dockerd running, and is this its socket?\n", run.Error);
    }

    [Fact]
    public void A_sysctl_given_on_the_command_line_overrides_the_one_read_live()
    {
        Action<IServiceCollection> services = s => s
            .AddSingleton<IHostCommandRunner>(new ScriptedHost(Host()))
            .AddSingleton<IPrivilege>(new FixedPrivilege(true))
            .AddSingleton(new DockerEnvironment("unix:///nonexistent.sock"));

        var run = Dockerfw.Run(["audit", "--netns", "lab", "--format", "json",
            "--sysctl", "net.ipv4.ip_forward=0"], stdin: "", services);

        Assert.Contains("\"net.ipv4.ip_forward\": \"0\"", run.Out);
        Assert.Contains("\"net.bridge.bridge-nf-call-iptables\": \"0\"", run.Out);
    }

    private sealed class HostBridgeComparer : IEqualityComparer<HostBridge>
    {
        public static HostBridgeComparer Instance { get; } = new();

        public bool Equals(HostBridge? x, HostBridge? y) =>
            x!.Name == y!.Name && x.Addresses.SequenceEqual(y.Addresses);

        public int GetHashCode(HostBridge obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
