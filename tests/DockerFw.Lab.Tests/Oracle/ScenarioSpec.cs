namespace DockerFw.Lab.Tests.Oracle;

/// <summary>A user network to create: its subnets and Docker's options.</summary>
public sealed record NetworkSpec(string Name, int Index, bool Icc, bool Internal, bool Masquerade, bool DualStack)
{
    public string Subnet => $"172.30.{Index}.0/24";

    public string Subnet6 => $"fd00:d0c:{Index}::/64";

    public IEnumerable<string> CreateFlags()
    {
        yield return "--subnet";
        yield return Subnet;
        if (DualStack)
        {
            yield return "--ipv6";
            yield return "--subnet";
            yield return Subnet6;
        }

        if (Internal) yield return "--internal";
        if (!Icc)
        {
            yield return "-o";
            yield return "com.docker.network.bridge.enable_icc=false";
        }

        if (!Masquerade)
        {
            yield return "-o";
            yield return "com.docker.network.bridge.enable_ip_masquerade=false";
        }
    }

    public override string ToString() =>
        $"{Name} {Subnet}{(DualStack ? " " + Subnet6 : "")}{(Icc ? "" : " icc=false")}{(Internal ? " internal" : "")}{(Masquerade ? "" : " masquerade=false")}";
}

/// <summary>A port published with <c>-p HOST_IP:HOST_PORT:PORT/PROTO</c> (no HOST_IP: every address).</summary>
public sealed record Publish(string? HostIp, int HostPort, int ContainerPort, Transport Transport)
{
    public string Flag => $"{(HostIp is null ? "" : (HostIp.Contains(':', StringComparison.Ordinal) ? $"[{HostIp}]" : HostIp) + ":")}{HostPort}:{ContainerPort}/{Transport.ToString().ToLowerInvariant()}";
}

/// <summary>
/// A container: its first network (or a mode: <c>host</c>, <c>none</c>, <c>container:NAME</c>), the
/// networks it is connected to afterwards, its servers, published ports and legacy links.
/// </summary>
public sealed record ContainerSpec(
    string Name,
    string Mode,
    IReadOnlyList<string> Connected,
    IReadOnlyList<int> TcpPorts,
    IReadOnlyList<int> UdpPorts,
    IReadOnlyList<Publish> Published,
    IReadOnlyList<string> Links)
{
    /// <summary>Whether it has a network namespace of its own on Docker's bridges (host, none and container: do not).</summary>
    public bool OwnBridgeEndpoints => !Mode.StartsWith("container:", StringComparison.Ordinal) && Mode is not ("host" or "none");

    public override string ToString() =>
        $"{Name} --network {Mode}{string.Concat(Connected.Select(c => " +" + c))}" +
        $" tcp[{string.Join(',', TcpPorts)}] udp[{string.Join(',', UdpPorts)}]" +
        string.Concat(Published.Select(p => " -p " + p.Flag)) + string.Concat(Links.Select(l => " --link " + l));
}

/// <summary>One scenario: the daemon's flags, the networks, the containers, the tampering on top.</summary>
public sealed record ScenarioSpec(
    int Seed,
    bool DaemonIcc,
    bool UserlandProxy,
    IReadOnlyList<NetworkSpec> Networks,
    IReadOnlyList<ContainerSpec> Containers,
    IReadOnlyList<Tamper> Tampers)
{
    /// <summary>A policy applied (and then partly undone) after the first audit, or none.</summary>
    public PolicySpec? Policy { get; init; }

    public IEnumerable<string> DaemonFlags =>
        (DaemonIcc ? [] : new[] { "--icc=false" }).Concat(UserlandProxy ? [] : ["--userland-proxy=false"]);

    public ScenarioSpec WithTampers(IReadOnlyList<Tamper> tampers) => this with { Tampers = tampers };

    public string Describe() =>
        $"seed {Seed}: dockerd{(DaemonIcc ? "" : " --icc=false")}{(UserlandProxy ? "" : " --userland-proxy=false")}\n" +
        string.Concat(Networks.Select(n => $"  network {n}\n")) +
        string.Concat(Containers.Select(c => $"  container {c}\n")) +
        (Tampers.Count == 0 ? "  no tampering\n" : string.Concat(Tampers.Select((t, i) => $"  tamper {i + 1}: {t}\n"))) +
        (Policy is null ? "" : $"  policy: {Policy}\n");
}
