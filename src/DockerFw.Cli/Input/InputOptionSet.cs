using System.CommandLine;

namespace DockerFw.Cli.Input;

/// <summary>
/// The command-line options behind <see cref="InputOptions"/>: a command adds them with
/// <see cref="AddTo"/> and folds them with <see cref="Bind"/>, so every command spells them alike.
/// </summary>
internal sealed class InputOptionSet
{
    public Option<string?> Iptables { get; } = new("--iptables")
    {
        Description = "Read an iptables-save dump (- for stdin) instead of the live firewall",
        HelpName = "FILE|-",
    };

    public Option<string?> Ip6tables { get; } = new("--ip6tables")
    {
        Description = "Read an ip6tables-save dump (- for stdin)",
        HelpName = "FILE|-",
    };

    public Option<string?> IptablesLegacy { get; } = new("--iptables-legacy")
    {
        Description = "Read the iptables-legacy-save dump of the same host too (both back ends hold rules; a packet must pass both)",
        HelpName = "FILE|-",
    };

    public Option<string?> Ip6tablesLegacy { get; } = new("--ip6tables-legacy")
    {
        Description = "Read the ip6tables-legacy-save dump of the same host too",
        HelpName = "FILE|-",
    };

    public Option<string?> Nft { get; } = new("--nft")
    {
        Description = "Read the JSON of 'nft -j list ruleset'",
        HelpName = "FILE",
    };

    public Option<string[]> Docker { get; } = new("--docker")
    {
        Description = "Read Docker's view: the JSON of 'docker network inspect' and/or 'docker inspect' (repeatable)",
        HelpName = "FILE",
    };

    public Option<string?> Netns { get; } = CreateNetnsOption();

    public Option<string[]> Routes { get; } = new("--routes")
    {
        Description = "Read the host's routes: the JSON of 'ip -j route show table all' and/or 'ip -6 -j route show table all' (repeatable)",
        HelpName = "FILE",
    };

    public Option<string?> ContainerRoutes { get; } = new("--container-routes")
    {
        Description = "Read the containers' own routes: per container a line 'container NAME', then its /proc/PID/net/route and/or /proc/PID/net/ipv6_route",
        HelpName = "FILE",
    };

    public Option<string?> IpSets { get; } = new("--ipsets")
    {
        Description = "Read the host's ipsets: the output of 'ipset save'",
        HelpName = "FILE",
    };

    public Option<string?> Proxies { get; } = new("--proxies")
    {
        Description = "Read the host's docker-proxy listeners: the output of 'ss -Hltunp' and/or 'ps -ww -o pid=,args= -C docker-proxy'",
        HelpName = "FILE",
    };

    public Option<string?> FlannelEnv { get; } = new("--flannel-env")
    {
        Description = "Read flannel's subnet.env of a saved host (/run/flannel/subnet.env): its pool, lease and MTU for the fabric check",
        HelpName = "FILE",
    };

    public Option<string?> Bundle { get; } = new("--bundle")
    {
        Description = "Read a host captured by 'dockerfw capture' (its directory or .tar.gz) instead of the live host",
        HelpName = "DIR|FILE.tar.gz",
    };

    public Option<string?> DockerHost { get; } = new("--docker-host")
    {
        Description = "Live mode: the Docker Engine's socket (default: DOCKER_HOST, else unix:///var/run/docker.sock)",
        HelpName = "unix:///PATH",
    };

    /// <summary>The live-mode namespace option on its own, for commands that take no dump options.</summary>
    public static Option<string?> CreateNetnsOption() => new("--netns")
    {
        Description = "Live mode inside this network namespace (ip netns exec NAME iptables-save)",
        HelpName = "NAME",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Iptables);
        command.Options.Add(Ip6tables);
        command.Options.Add(IptablesLegacy);
        command.Options.Add(Ip6tablesLegacy);
        command.Options.Add(Nft);
        command.Options.Add(Docker);
        command.Options.Add(Netns);
        command.Options.Add(Routes);
        command.Options.Add(ContainerRoutes);
        command.Options.Add(IpSets);
        command.Options.Add(Proxies);
        command.Options.Add(FlannelEnv);
        command.Options.Add(Bundle);
    }

    /// <summary>Adds <c>--docker-host</c>, for the commands that ask the Docker Engine in live mode.</summary>
    public void AddEngineTo(Command command) => command.Options.Add(DockerHost);

    public InputOptions Bind(ParseResult parsed) => new(
        parsed.GetValue(Iptables),
        parsed.GetValue(Ip6tables),
        parsed.GetValue(Nft),
        [.. parsed.GetValue(Docker) ?? []],
        parsed.GetValue(Netns))
    {
        DockerHost = parsed.CommandResult.Command.Options.Contains(DockerHost) ? parsed.GetValue(DockerHost) : null,
        Routes = [.. parsed.GetValue(Routes) ?? []],
        ContainerRoutes = parsed.GetValue(ContainerRoutes),
        IpSets = parsed.GetValue(IpSets),
        Proxies = parsed.GetValue(Proxies),
        FlannelEnv = parsed.GetValue(FlannelEnv),
        IptablesLegacy = parsed.GetValue(IptablesLegacy),
        Ip6tablesLegacy = parsed.GetValue(Ip6tablesLegacy),
        Bundle = parsed.GetValue(Bundle),
    };
}
