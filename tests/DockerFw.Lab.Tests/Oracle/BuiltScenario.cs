using System.Net;
using System.Text.Json;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>A container endpoint as Docker reports it: the network and the addresses there.</summary>
public sealed record Endpoint(string Container, string Network, IPAddress? Address, IPAddress? Address6);

/// <summary>What Docker made of a scenario: bridges, endpoints, each container's namespace.</summary>
public sealed class BuiltScenario
{
    public required ScenarioSpec Spec { get; init; }

    public required OracleLab Lab { get; init; }

    public required IReadOnlyDictionary<string, string> Bridges { get; init; }

    public required IReadOnlyList<Endpoint> Endpoints { get; init; }

    /// <summary>Container name to its namespace path, for containers with a namespace of their own on a bridge.</summary>
    public required IReadOnlyDictionary<string, string> NetnsPaths { get; init; }

    public ContainerSpec Container(string name) => Spec.Containers.Single(c => c.Name == name);

    public IPAddress Ip(string container) => Endpoints.First(e => e.Container == container && e.Address is not null).Address!;

    /// <summary>Creates the networks and containers, starts the echo servers, reads what Docker made.</summary>
    public static BuiltScenario Build(ScenarioSpec spec, OracleLab lab, EchoServers servers)
    {
        foreach (var network in spec.Networks) lab.MustDocker(["network", "create", .. network.CreateFlags(), network.Name]);
        foreach (var c in spec.Containers)
        {
            var run = new List<string> { "run", "-d", "--name", c.Name, "--network", c.Mode };
            foreach (var p in c.Published) run.AddRange(["-p", p.Flag]);
            foreach (var l in c.Links) run.AddRange(["--link", $"{l}:{l}alias"]);
            lab.MustDocker([.. run, LabDaemon.Image, "sleep", "100000"]);
            foreach (var n in c.Connected) lab.MustDocker("network", "connect", n, c.Name);
        }

        var bridges = spec.Networks.ToDictionary(n => n.Name, n => n.BridgeName ?? "br-" + lab.MustDocker("network", "inspect", "-f", "{{.Id}}", n.Name)[..12]);
        bridges["bridge"] = "docker0";
        var inspect = JsonDocument.Parse(lab.MustDocker(["inspect", .. spec.Containers.Select(c => c.Name)])).RootElement;
        var endpoints = new List<Endpoint>();
        var paths = new Dictionary<string, string>();
        foreach (var c in inspect.EnumerateArray())
        {
            var name = c.GetProperty("Name").GetString()!.TrimStart('/');
            var spec1 = spec.Containers.Single(x => x.Name == name);
            if (!spec1.OwnBridgeEndpoints) continue;
            paths[name] = $"/proc/{c.GetProperty("State").GetProperty("Pid").GetInt32()}/ns/net";
            foreach (var n in c.GetProperty("NetworkSettings").GetProperty("Networks").EnumerateObject())
                endpoints.Add(new Endpoint(name, n.Name, Parse(n.Value, "IPAddress"), Parse(n.Value, "GlobalIPv6Address")));
        }

        // The kernel sends at most about one ICMP error a second to a peer once a burst of six is spent.
        // Requests that Docker masquerades between networks all come from the destination network's
        // gateway, so with isolation broken (seed 3591: a moved isolation RETURN) a container's "port
        // unreachable" answers to that one peer were rate-limited and probes of unused UDP ports read
        // silent, though the rules passed them. The oracle judges the rules, not that limiter.
        lab.InLab("sysctl", "-qw", "net.ipv4.icmp_ratelimit=0", "net.ipv6.icmp.ratelimit=0");
        foreach (var path in paths.Values)
            Processes.Run("nsenter", [$"--net={path}", "sysctl", "-qw", "net.ipv4.icmp_ratelimit=0", "net.ipv6.icmp.ratelimit=0"]);
        // Probes of an address still in duplicate address detection read silent whatever the rules say.
        // Past 10 s the probes go anyway: a silence they read is then a disagreement to look at, not a hang.
        AddressSettling.Wait([() => lab.InLab(AddressSettling.Listing).Out, .. paths.Values.Select(AddressSettling.In)]);

        foreach (var (name, path) in paths)
        {
            var c = spec.Containers.Single(x => x.Name == name);
            foreach (var port in c.TcpPorts) servers.Tcp(path, port);
            var addresses = endpoints.Where(e => e.Container == name).SelectMany(e => new[] { e.Address, e.Address6 }).OfType<IPAddress>().ToList();
            foreach (var port in c.UdpPorts) servers.Udp(path, port, addresses);
        }

        return new BuiltScenario { Spec = spec, Lab = lab, Bridges = bridges, Endpoints = endpoints, NetnsPaths = paths };
    }

    private static IPAddress? Parse(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && IPAddress.TryParse(v.GetString(), out var a) ? a : null;
}
