using System.Collections.Immutable;
using DockerFw.Cli.Input;
using DockerFw.Core.Docker;
using DockerFw.Core.Semantics.Routing;

namespace DockerFw.Cli.Live;

/// <summary>
/// Live mode for the audit: reads the host (or <c>--netns NAME</c>) with read-only tools and GET
/// requests. Missing pieces degrade to notices (no Engine: the ruleset alone); what cannot be read
/// at all is a <see cref="CliFailure"/> quoting the tool's stderr.
/// </summary>
/// <param name="engines">The Engine's socket unless capture records it or a bundle replays it.</param>
internal sealed class LiveHostReader(IHostCommandRunner runner, LiveFirewallReader firewall, IPrivilege privilege, DockerEnvironment environment, IDockerEngineConnector? engines = null)
{
    /// <param name="readEngine">False when Docker's view comes from <c>--docker</c> files instead.</param>
    public LiveHost Read(InputOptions input, bool readEngine)
    {
        if (!privilege.IsRoot)
            throw new CliFailure(NeedsRoot(input));

        var shell = new HostShell(runner, input.Netns);
        var dumps = firewall.Read(input.Netns);
        var other = firewall.ReadOtherBackends(input.Netns, dumps);
        var nft = shell.IsInstalled("nft") ? shell.Read("nft", "-j", "list", "ruleset") : null;
        var addr = shell.Read("ip", "-d", "-j", "addr", "show");
        var bridges = HostBridge.Parse(addr);
        var routes = RouteListReader.Concat([Routes(shell, "-4"), Routes(shell, "-6")]) with { Rules = [.. Rules(shell, "-4"), .. Rules(shell, "-6")] };
        var (settings, notices) = KernelSettingsReader.Read(shell, bridges, KernelSettingsReader.RoutedInterfaces(addr));

        var all = notices.ToBuilder();
        if (!other.IsEmpty)
            all.Add($"both iptables back ends hold tables: read {string.Join(", ", other.Select(d => d.Name))} too");
        if (nft is null)
            all.Add("nft is not installed: native nftables tables, if any, were not read");

        DockerView? view = null;
        DockerEngineAddress? engine = null;
        if (readEngine)
        {
            var (endpoint, error) = DockerEngineAddress.Resolve(input.DockerHost, environment.DockerHost);
            if (endpoint is null) throw new CliFailure(error!);
            var reading = DockerEngineReader.Read(endpoint, bridges, engines);
            all.AddRange(reading.Notices);
            view = reading.View;
            if (view is not null)
            {
                (view, var doubts) = ContainerRoutesReader.Read(shell, view);
                all.AddRange(doubts);
            }

            engine = view is null ? null : endpoint;
        }

        var (proxies, unread) = LiveProxies.Read(shell);
        var flannel = FlannelEnvFile.Read(shell);
        var ipsets = IpSets(shell, all);
        if (unread is not null) all.Add(unread);
        return new LiveHost(dumps, other, nft, settings, bridges, HostAddresses.Parse(addr), routes, view, engine, all.ToImmutable()) { Proxies = proxies, FlannelEnv = flannel, IpSets = ipsets, Machine = LiveHost.NameOf(Environment.MachineName, input.Netns) };
    }

    /// <summary>
    /// The sets as <c>ipset save</c> lists them; null without the tool (whose library makes the sets)
    /// or when it fails: the rules that name a set then "may match", with a notice.
    /// </summary>
    private static string? IpSets(HostShell shell, ImmutableArray<string>.Builder notices)
    {
        if (!shell.IsInstalled("ipset")) return null;
        var outcome = shell.Run("ipset", "save");
        if (outcome.ExitCode == 0) return outcome.Stdout;
        notices.Add($"{shell.Describe("ipset", "save")} failed ({outcome.Stderr.Trim()}): the members of the host's ipsets are unknown");
        return null;
    }

    private static RoutingTable Routes(HostShell shell, string family)
    {
        var read = RouteListReader.Read(shell.Read("ip", family, "-j", "route", "show", "table", "all"), $"ip {family} -j route show table all");
        return read.Value ?? throw new CliFailure(string.Join("; ", read.Diagnostics.Select(d => d.Render())));
    }

    /// <summary>
    /// The policy rules of a family (<c>ip -j rule show</c>): which tables a lookup asks. None when they
    /// cannot be read (a bundle captured by a dockerfw that did not ask: the kernel's are assumed, as
    /// offline).
    /// </summary>
    private static PolicyRules[] Rules(HostShell shell, string family)
    {
        CommandOutcome outcome;
        try
        {
            outcome = shell.Run("ip", family, "-j", "rule", "show");
        }
        catch (CliFailure)
        {
            return [];
        }

        var read = outcome.ExitCode == 0 ? PolicyRules.Read(outcome.Stdout, family == "-4" ? Core.Model.Values.IpFamily.V4 : Core.Model.Values.IpFamily.V6) : null;
        return read is null ? [] : [read];
    }

    private static string NeedsRoot(InputOptions input) =>
        "live mode needs root: iptables-save and ip6tables-save read the firewall through netlink"
        + (input.Netns is null ? "" : $", 'ip netns exec {input.Netns}' enters the namespace")
        + ", and the Docker socket is root's; run dockerfw as root, or audit saved dumps with --iptables FILE";
}
