using System.Collections.Immutable;

namespace DockerFw.Cli.Input;

/// <summary>
/// What a command reads, shared by every command that looks at a host: dump files, or (when no
/// ruleset file is named) the live firewall of this host or of the network namespace <see cref="Netns"/>.
/// </summary>
/// <param name="Iptables">An iptables-save dump, or <c>-</c> for stdin.</param>
/// <param name="Ip6tables">An ip6tables-save dump, or <c>-</c> for stdin.</param>
/// <param name="Nft">The JSON of <c>nft -j list ruleset</c>.</param>
/// <param name="Docker">The JSON of <c>docker network inspect</c> and/or <c>docker inspect</c>, in any order.</param>
/// <param name="Netns">Live mode inside this network namespace (<c>ip netns exec NAME ...</c>).</param>
internal sealed record InputOptions(
    string? Iptables,
    string? Ip6tables,
    string? Nft,
    ImmutableArray<string> Docker,
    string? Netns)
{
    public static InputOptions Live { get; } = new(null, null, null, [], null);

    /// <summary>The Docker Engine's socket for live mode (<c>unix:///path</c>); null: DOCKER_HOST, else /var/run/docker.sock.</summary>
    public string? DockerHost { get; init; }

    /// <summary><c>--routes FILE</c>: the JSON of <c>ip -j route show table all</c> (and <c>ip -6 ...</c>) of a saved host.</summary>
    public ImmutableArray<string> Routes { get; init; } = [];

    /// <summary><c>--container-routes FILE</c>: containers' own route listings of a saved host (<see cref="Core.Docker.ContainerRoutesFile"/>); live mode reads them itself.</summary>
    public string? ContainerRoutes { get; init; }

    /// <summary><c>--ipsets FILE</c>: the output of <c>ipset save</c> of a saved host; live mode (and a bundle) read the host's sets.</summary>
    public string? IpSets { get; init; }

    /// <summary>
    /// <c>--proxies FILE</c>: the docker-proxy listeners of a saved host (<c>ss -Hltunp</c> and/or
    /// <c>ps -ww -o pid=,args= -C docker-proxy</c>); without it they are assumed from Docker's view.
    /// </summary>
    public string? Proxies { get; init; }

    /// <summary><c>--flannel-env FILE</c>: flannel's subnet.env of a saved host; live mode (and a bundle) read /run/flannel/subnet.env.</summary>
    public string? FlannelEnv { get; init; }

    /// <summary>
    /// <c>--iptables-legacy FILE</c>: the iptables-legacy-save dump of a saved host whose other rules are
    /// in iptables-nft (both back ends hold rules; the kernel runs both). Live mode reads it itself.
    /// </summary>
    public string? IptablesLegacy { get; init; }

    /// <summary><c>--ip6tables-legacy FILE</c>: the same for ip6tables-legacy-save.</summary>
    public string? Ip6tablesLegacy { get; init; }

    /// <summary><c>--bundle DIR|FILE.tar.gz</c>: a capture of a host (docs/capture.md), read in place of the live host.</summary>
    public string? Bundle { get; init; }

    /// <summary>No ruleset file is named: read the firewall of the running host (or namespace).</summary>
    public bool IsLive => Iptables is null && Ip6tables is null && Nft is null;

    /// <summary>Usage errors, empty when the combination makes sense. Checked before any work.</summary>
    public ImmutableArray<string> Validate()
    {
        var errors = ImmutableArray.CreateBuilder<string>();
        if (Netns is not null && !IsLive)
            errors.Add("--netns reads a live namespace; it cannot be combined with --iptables, --ip6tables or --nft");
        if (Netns is not null && !IsValidNamespaceName(Netns))
            errors.Add($"--netns '{Netns}' is not a network namespace name");

        if (DockerHost is not null && !IsLive)
            errors.Add("--docker-host reads a live Docker Engine; give --docker FILE with dump files instead");
        if (DockerHost is not null && !Docker.IsEmpty)
            errors.Add("--docker-host and --docker both name Docker's view; give one of them");
        if (DockerHost is not null && DockerFw.Cli.Live.DockerEngineAddress.Check(DockerHost) is { } badHost)
            errors.Add(badHost);

        if (!Routes.IsEmpty && IsLive && Bundle is null)
            errors.Add("--routes describes a saved host; live mode reads the host's routes itself");

        if (ContainerRoutes is not null && IsLive && Bundle is null)
            errors.Add("--container-routes describes a saved host; live mode reads the containers' routes itself");

        if (IpSets is not null && IsLive && Bundle is null)
            errors.Add("--ipsets describes a saved host; live mode reads the host's ipsets itself");

        if (Proxies is not null && IsLive && Bundle is null)
            errors.Add("--proxies describes a saved host; live mode reads the host's docker-proxy listeners itself");

        if (FlannelEnv is not null && IsLive && Bundle is null)
            errors.Add("--flannel-env describes a saved host; live mode reads /run/flannel/subnet.env itself");

        if ((IptablesLegacy is not null || Ip6tablesLegacy is not null) && IsLive)
            errors.Add("--iptables-legacy and --ip6tables-legacy go with --iptables, --ip6tables or --nft; live mode reads both back ends itself");

        if (Bundle is not null && (!IsLive || Netns is not null || DockerHost is not null || !Docker.IsEmpty || !Routes.IsEmpty || ContainerRoutes is not null || IpSets is not null || Proxies is not null || FlannelEnv is not null || IptablesLegacy is not null || Ip6tablesLegacy is not null))
            errors.Add("--bundle holds everything dockerfw reads of a host; it cannot be combined with the other input options");

        var fromStdin = new[] { Iptables, Ip6tables, Nft, IptablesLegacy, Ip6tablesLegacy, FlannelEnv, IpSets, ContainerRoutes }.Concat(Docker).Count(p => p == "-");
        if (fromStdin > 1)
            errors.Add("only one input can be read from stdin ('-')");
        return errors.ToImmutable();
    }

    // The same rule as `ip netns`: a file name under /var/run/netns.
    private static bool IsValidNamespaceName(string name) =>
        name.Length > 0 && name != "." && name != ".." && !name.Contains('/') && !name.Contains('\0');
}
