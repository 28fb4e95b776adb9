using System.Diagnostics;
using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Apply;

/// <summary>
/// The ip6tables half judged by the kernel with real IPv6 connections: a host namespace with
/// samples/lab-host's frontend bridge and its rules (ip6tables as Docker 27 writes them), and one
/// namespace per container at web's and api's IPv6 addresses, bridged with br_netfilter on.
/// Every namespace and listener is the test's own and goes at the end.
/// </summary>
public sealed class Ipv6TrafficTests : IDisposable
{
    private const string Bridge = "br-e727bbbf1ba4";
    private const string Web = "fd00:d0c:1::2";
    private const string Api = "fd00:d0c:1::3";

    private static readonly string LabHost = Path.Combine(Corpus.RepoRoot, "samples", "lab-host");

    private readonly string host = $"dfw6-{Environment.ProcessId}-h";
    private readonly string web = $"dfw6-{Environment.ProcessId}-web";
    private readonly string api = $"dfw6-{Environment.ProcessId}-api";
    private readonly List<Process> listeners = [];
    private readonly string folder = Directory.CreateTempSubdirectory("dfw-traffic6-").FullName;

    public Ipv6TrafficTests()
    {
        if (!RootFactAttribute.IsRoot) return;
        try
        {
            Build();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private void Build()
    {
        foreach (var ns in new[] { host, web, api }) Must(["ip", "netns", "add", ns], null);
        Must(["ip", "-n", host, "link", "add", Bridge, "type", "bridge"], null);
        Must(["ip", "-n", host, "addr", "add", "fd00:d0c:1::1/64", "dev", Bridge, "nodad"], null);
        Must(["ip", "-n", host, "link", "set", Bridge, "up"], null);
        Must(["ip", "netns", "exec", host, "sysctl", "-qw", "net.bridge.bridge-nf-call-ip6tables=1"], null);
        foreach (var (ns, address, port) in new[] { (web, Web, "dfw6w"), (api, Api, "dfw6a") })
        {
            Must(["ip", "-n", host, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns], null);
            Must(["ip", "-n", host, "link", "set", port, "master", Bridge, "up"], null);
            Must(["ip", "-n", ns, "addr", "add", address + "/64", "dev", "eth0", "nodad"], null);
            Must(["ip", "-n", ns, "link", "set", "eth0", "up"], null);
            Must(["ip", "-n", ns, "link", "set", "lo", "up"], null);
        }

        Must(["ip", "netns", "exec", host, "iptables-restore"], File.ReadAllText(Path.Combine(LabHost, "iptables-save")));
        Must(["ip", "netns", "exec", host, "ip6tables-restore"], File.ReadAllText(Path.Combine(LabHost, "ip6tables-save"))
            .Replace(":DOCKER-ISOLATION-STAGE-2 - [0:0]\n", ":DOCKER-ISOLATION-STAGE-2 - [0:0]\n:DOCKER-USER - [0:0]\n", StringComparison.Ordinal)
            .Replace("-A FORWARD -j DOCKER-ISOLATION-STAGE-1\n", "-A FORWARD -j DOCKER-USER\n-A FORWARD -j DOCKER-ISOLATION-STAGE-1\n", StringComparison.Ordinal)
            .Replace("-A DOCKER-ISOLATION-STAGE-2 -j RETURN\n", "-A DOCKER-ISOLATION-STAGE-2 -j RETURN\n-A DOCKER-USER -j RETURN\n", StringComparison.Ordinal));
        Listen(web, "80");
        Listen(web, "81");
        Listen(api, "80");
    }

    public void Dispose()
    {
        foreach (var listener in listeners)
        {
            listener.Kill(entireProcessTree: true);
            listener.WaitForExit();
            listener.Dispose();
        }

        if (RootFactAttribute.IsRoot)
            foreach (var ns in new[] { host, web, api }) Run(["ip", "netns", "delete", ns]);
        File.Delete(DockerFw.Cli.Apply.ApplyLock.PathFor(host));
        Directory.Delete(folder, recursive: true);
    }

    [RootFact]
    public void After_apply_only_the_allowed_pair_connects_over_ipv6_and_only_on_its_port()
    {
        var policy = Path.Combine(folder, "frontend.policy");
        File.WriteAllText(policy, "network frontend { icc off; allow api -> web tcp/80 }\n");
        var before = Connects(api, Web, "81");

        var run = Dockerfw.Run(["apply", "--policy", policy, "--netns", host, "--yes", "--backup-dir", Path.Combine(folder, "backups"),
            "--docker", Path.Combine(LabHost, "docker-networks.json"), "--docker", Path.Combine(LabHost, "docker-containers.json")]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(before, "before the policy, icc lets api reach web on any port");
        Assert.True(Connects(api, Web, "80"), "api -> web tcp/80 is allowed");
        Assert.False(Connects(api, Web, "81"), "api -> web tcp/81 is not");
        Assert.False(Connects(web, Api, "80"), "web -> api is not");
    }

    [RootFact]
    public void After_apply_the_allowed_pair_finds_its_neighbour_through_the_policy()
    {
        var policy = Path.Combine(folder, "frontend.policy");
        File.WriteAllText(policy, "network frontend { icc off; allow api -> web tcp/80 }\n");

        var run = Dockerfw.Run(["apply", "--policy", policy, "--netns", host, "--yes", "--backup-dir", Path.Combine(folder, "backups"),
            "--docker", Path.Combine(LabHost, "docker-networks.json"), "--docker", Path.Combine(LabHost, "docker-containers.json")]);
        // No earlier probe may have left the peers' links in the caches: api must solicit web's
        // link (and web api's) through the bridge, past the policy's drop.
        foreach (var ns in new[] { web, api }) Must(["ip", "-n", ns, "-6", "neigh", "flush", "all"], null);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(Connects(api, Web, "80"), "api -> web tcp/80 is allowed, neighbour discovery included");
        Assert.False(Connects(api, Web, "81"), "api -> web tcp/81 is not");
    }

    private static bool Connects(string from, string address, string port) =>
        Run(["ip", "netns", "exec", from, "nc", "-6", "-z", "-w", "1", address, port]).ExitCode == 0;

    private void Listen(string ns, string port)
    {
        listeners.Add(Processes.Start("ip", ["netns", "exec", ns, "nc", "-6", "-l", "-k", port]));
        // Ready once it answers inside its own namespace, where no firewall stands in the way.
        for (var i = 0; i < 50 && Run(["ip", "netns", "exec", ns, "nc", "-6", "-z", "-w", "1", "::1", port]).ExitCode != 0; i++) Thread.Sleep(100);
    }

    private static void Must(string[] command, string? stdin) => Run(command, stdin).EnsureOk();

    private static ProcessResult Run(string[] command, string? stdin = null) => Processes.Run(command[0], command[1..], stdin: stdin);
}
