using System.Collections.Immutable;
using DockerFw.Cli.Input;
using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Routing;

namespace DockerFw.Cli.Live;

/// <summary>
/// Everything live mode read from a host (or a namespace): the rules of both families, the other
/// iptables back end's rules when it holds tables too, the nftables ruleset as text (JSON of
/// <c>nft -j list ruleset</c>, kept for the nftables reader), the kernel settings, the bridges, every address of the host, its routes (IPv4 and IPv6, every table), and
/// Docker's view from the Engine (null when there is no Engine to ask: see <see cref="Notices"/>).
/// </summary>
internal sealed record LiveHost(
    ImmutableArray<DumpText> Dumps,
    ImmutableArray<DumpText> OtherBackends,
    string? NftJson,
    HostSettings Settings,
    ImmutableArray<HostBridge> Bridges,
    ImmutableArray<InterfaceAddress> Addresses,
    RoutingTable Routes,
    DockerView? Docker,
    DockerEngineAddress? Engine,
    ImmutableArray<string> Notices)
{
    /// <summary>The docker-proxy listeners of the namespace (<c>ss</c> and <c>ps</c>); null when they could not be read.</summary>
    public ImmutableArray<Core.Host.ProxyListener>? Proxies { get; init; }

    /// <summary>The host's ipsets as <c>ipset save</c> prints them; null when ipset is not installed.</summary>
    public string? IpSets { get; init; }

    /// <summary>flannel's subnet.env as the host holds it (<see cref="FlannelEnvFile"/>); null without one.</summary>
    public string? FlannelEnv { get; init; }

    /// <summary>Which host was read: the machine (the capturing one, for a bundle), and the namespace.</summary>
    public string Machine { get; init; } = Environment.MachineName;

    public static string NameOf(string machine, string? netns) => netns is null ? machine : $"{machine}/netns/{netns}";
}
