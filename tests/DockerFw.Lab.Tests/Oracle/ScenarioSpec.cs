namespace DockerFw.Lab.Tests.Oracle;

/// <summary>A user network to create: its subnets and Docker's options.</summary>
public sealed record NetworkSpec(string Name, int Index, bool Icc, bool Internal, bool Masquerade, bool DualStack)
{
    /// <summary>The bridge's own name (<c>com.docker.network.bridge.name</c>) instead of <c>br-ID</c>.</summary>
    public string? BridgeName { get; init; }

    /// <summary>The address outbound traffic is SNATed to (<c>com.docker.network.host_ipv4</c>) instead of masqueraded.</summary>
    public string? SnatTo { get; init; }

    /// <summary>The host address a port published without one binds to (<c>com.docker.network.bridge.host_binding_ipv4</c>).</summary>
    public string? HostBinding { get; init; }

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

        foreach (var (option, value) in Options())
        {
            yield return "-o";
            yield return $"{option}={value}";
        }
    }

    private IEnumerable<(string Option, string Value)> Options()
    {
        if (BridgeName is not null) yield return ("com.docker.network.bridge.name", BridgeName);
        if (SnatTo is not null) yield return ("com.docker.network.host_ipv4", SnatTo);
        if (HostBinding is not null) yield return ("com.docker.network.bridge.host_binding_ipv4", HostBinding);
    }

    // Options drawn later come last, so that a seed's line only grows (ScenarioGeneratorTests).
    public override string ToString() =>
        $"{Name} {Subnet}{(DualStack ? " " + Subnet6 : "")}{(Icc ? "" : " icc=false")}{(Internal ? " internal" : "")}{(Masquerade ? "" : " masquerade=false")}" +
        string.Concat(Options().Select(o => $" {o.Option.Replace("com.docker.network.", "", StringComparison.Ordinal)}={o.Value}"));
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

    /// <summary>The host address the default bridge's ports bind to when published without one (dockerd <c>--ip</c>).</summary>
    public string? DaemonIp { get; init; }

    /// <summary>dockerd <c>--ip-masq=false</c>: the default bridge's traffic out is not masqueraded.</summary>
    public bool NoIpMasq { get; init; }

    public IEnumerable<string> DaemonFlags =>
        (DaemonIcc ? [] : new[] { "--icc=false" }).Concat(UserlandProxy ? [] : ["--userland-proxy=false"])
            .Concat(DaemonIp is null ? [] : ["--ip=" + DaemonIp]).Concat(NoIpMasq ? ["--ip-masq=false"] : []);

    public ScenarioSpec WithTampers(IReadOnlyList<Tamper> tampers) => this with { Tampers = tampers };

    public string Describe() =>
        $"seed {Seed}: dockerd{(DaemonIcc ? "" : " --icc=false")}{(UserlandProxy ? "" : " --userland-proxy=false")}{(DaemonIp is null ? "" : " --ip=" + DaemonIp)}{(NoIpMasq ? " --ip-masq=false" : "")}\n" +
        string.Concat(Networks.Select(n => $"  network {n}\n")) +
        string.Concat(Containers.Select(c => $"  container {c}\n")) +
        (Tampers.Count == 0 ? "  no tampering\n" : string.Concat(Tampers.Select((t, i) => $"  tamper {i + 1}: {t}\n"))) +
        (Policy is null ? "" : $"  policy: {Policy}\n");
}
