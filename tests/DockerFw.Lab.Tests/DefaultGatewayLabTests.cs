using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests;

/// <summary>
/// Which of its networks gives a container its default routes, as the lab's Engine (Debian's 20.10)
/// sets them in the container's namespace, against what the audit predicts from Docker's view alone
/// (offline, no container routes read: <see cref="DefaultGateway"/>). libnetwork keeps a sandbox's
/// endpoints sorted, so the join order (at run, by <c>docker network connect</c> while running or
/// before the start, which joins in Go's map order) never matters: a network that is not internal
/// first, then the dual-stack one, then by name, internal networks too (oracle seed 4939 read that as
/// "the one joined first"). Both routes come from that one endpoint (Docker before 28).
/// </summary>
[Collection(DefaultLabCollection.Name)]
public sealed class DefaultGatewayLabTests
{
    private readonly DefaultLab lab;

    public DefaultGatewayLabTests(DefaultLab lab)
    {
        this.lab = lab;
        if (LabDaemon.IsRoot) lab.Reset();
    }

    [LabFact]
    public void The_Engine_gives_the_default_routes_of_the_first_network_in_libnetworks_order_whatever_the_join_order()
    {
        lab.CreateNetwork("h4", "--internal", "--subnet", "172.31.120.0/24");
        lab.CreateNetwork("i4", "--internal", "--subnet", "172.31.121.0/24");
        lab.CreateNetwork("j4", "--internal", "--subnet", "172.31.122.0/24");
        lab.CreateNetwork("i6", "--internal", "--ipv6", "--subnet", "172.31.123.0/24", "--subnet", "fd00:dfa:123::/64");
        lab.CreateNetwork("a4", "--subnet", "172.31.124.0/24");
        lab.CreateNetwork("u4", "--subnet", "172.31.125.0/24");
        lab.CreateNetwork("z6", "--ipv6", "--subnet", "172.31.126.0/24", "--subnet", "fd00:dfa:126::/64");
        // Each container: the networks it joins, in that order (the first at run).
        Run("dual-joined-second", "i4", "i6");
        Run("name-joined-last", "j4", "i4", "h4");
        Run("internal-then-not", "i6", "u4");
        Run("default-bridge-by-name", "u4", "bridge");
        Run("dual-by-name", "a4", "z6");
        lab.MustDocker("create", "--name", "joined-before-start", "--network", "j4", LabDaemon.Image, "sleep", "600");
        lab.MustDocker("network", "connect", "i4", "joined-before-start");
        lab.MustDocker("network", "connect", "i6", "joined-before-start");
        lab.MustDocker("start", "joined-before-start");
        Run("left-the-leader", "i4", "i6");
        lab.MustDocker("network", "disconnect", "i6", "left-the-leader");
        string[] names = ["dual-joined-second", "name-joined-last", "internal-then-not", "default-bridge-by-name", "dual-by-name", "joined-before-start", "left-the-leader"];

        var view = ViewOf(names);
        var kernel = names.Select(n => $"{n}: {Kernel(n, IpFamily.V4, view)} {Kernel(n, IpFamily.V6, view)}").ToList();
        var predicted = names.Select(n => view.Containers.Single(c => c.Name == n))
            .Select(c => $"{c.Name}: {Word(DefaultGateway.Of(c, IpFamily.V4, view))} {Word(DefaultGateway.Of(c, IpFamily.V6, view))}").ToList();

        // What 20.10.24 did (docs/audit.md's table); the prediction must say the same, decided.
        Assert.Equal(
            ["dual-joined-second: i6 i6", "name-joined-last: h4 none", "internal-then-not: u4 none", "default-bridge-by-name: bridge none",
             "dual-by-name: z6 z6", "joined-before-start: i6 i6", "left-the-leader: i4 none"],
            kernel);
        Assert.True(kernel.SequenceEqual(predicted), $"the kernel's default routes (IPv4 IPv6)\n  {string.Join("\n  ", kernel)}\nthe prediction from Docker's view ({view.EngineVersion})\n  {string.Join("\n  ", predicted)}");
    }

    private void Run(string name, string first, params string[] more)
    {
        lab.MustDocker("run", "-d", "--name", name, "--network", first, LabDaemon.Image, "sleep", "600");
        foreach (var network in more) lab.MustDocker("network", "connect", network, name);
    }

    // Docker's view as an offline audit reads it (docker network inspect, docker inspect, the version): no routes observed.
    private DockerView ViewOf(string[] containers)
    {
        var networks = lab.MustDocker(["network", "inspect", .. lab.MustDocker("network", "ls", "-q").Split('\n', StringSplitOptions.RemoveEmptyEntries)]);
        var inspected = lab.MustDocker(["inspect", .. containers]);
        var read = DockerInspectReader.Read($"[{networks.Trim()[1..^1]},{inspected.Trim()[1..^1]}]", "lab.json");
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));
        return read.Value! with { EngineVersion = lab.MustDocker("version", "--format", "{{.Server.Version}}") };
    }

    // The network whose subnet holds the gateway of the container's default route of the family, read in its namespace.
    private string Kernel(string container, IpFamily family, DockerView view)
    {
        var pid = lab.MustDocker("inspect", "-f", "{{.State.Pid}}", container);
        var routes = Processes.Run("nsenter", ["-t", pid, "-n", "ip", family == IpFamily.V4 ? "-4" : "-6", "route", "show", "default"]).Out;
        var via = routes.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(w => w != "via").Skip(1).FirstOrDefault();
        if (via is null) return "none";
        var gateway = IpAddressValue.Parse(via, family);
        return view.Networks.FirstOrDefault(n => n.SubnetsOf(family).Any(s => s.Network.Contains(gateway)))?.Name
            ?? $"({via}: {routes.Trim()})";
    }

    private static string Word(DefaultGateway gateway) =>
        gateway.Endpoint?.Network ?? (gateway.Why is { } why ? $"undecided ({why})" : "none");
}
