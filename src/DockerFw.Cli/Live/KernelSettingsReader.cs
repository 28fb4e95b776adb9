using System.Collections.Immutable;
using DockerFw.Core.Audit;

namespace DockerFw.Cli.Live;

/// <summary>
/// Reads the kernel settings that decide whether rules apply at all: <c>net.ipv4.ip_forward</c> and
/// <c>net.ipv6.conf.all.forwarding</c>,
/// br_netfilter's <c>bridge-nf-call-iptables</c>/<c>-ip6tables</c>, and each bridge's own
/// <c>nf_call_iptables</c> (stored as <c>bridge.BRIDGE.nf_call_iptables</c>, the key <c>--sysctl</c> takes),
/// which of conntrack's trackers the kernel has, and the reverse-path filter: <c>all</c>'s and each
/// routed interface's own <c>net.ipv4.conf.IFACE.rp_filter</c>, as the kernel takes the higher of the two
/// per interface (<c>default</c> is only what a new interface starts with).
/// </summary>
internal static class KernelSettingsReader
{
    private static readonly string[] Sysctls =
    [
        "net.ipv4.ip_forward",
        "net.ipv6.conf.all.forwarding",
        "net.bridge.bridge-nf-call-iptables",
        "net.bridge.bridge-nf-call-ip6tables",
        "net.ipv4.conf.all.rp_filter",
        "net.ipv4.conf.default.rp_filter",
        // Which trackers conntrack has (HostSettings.HasTracker): a missing one's sysctls are missing.
        HostSettings.ConntrackSysctl,
        HostSettings.SctpTrackerSysctl,
        HostSettings.DccpTrackerSysctl,
    ];

    /// <param name="interfaces">The interfaces whose own <c>rp_filter</c> is read (<see cref="RoutedInterfaces"/>).</param>
    /// <param name="root">Where <c>/proc</c> and <c>/sys</c> are (a test's fake tree); the host's <c>/</c> by default.</param>
    public static (HostSettings Settings, ImmutableArray<string> Notices) Read(HostShell shell, IEnumerable<HostBridge> bridges,
        IEnumerable<string>? interfaces = null, string root = "/")
    {
        var at = root.TrimEnd('/');
        // In order (the capture's command line is compared whole): the sysctls, each interface's
        // rp_filter, each bridge's switch. Names keep their dots (eth0.100): the key is built, not derived.
        var keysByFile = Sysctls.ToDictionary(key => $"{at}/proc/sys/" + key.Replace('.', '/'), key => key);
        foreach (var name in (interfaces ?? []).Where(n => n is not ("all" or "default") && n.Length > 0 && !n.Contains('/')).Distinct(StringComparer.Ordinal))
            keysByFile[$"{at}/proc/sys/net/ipv4/conf/{name}/rp_filter"] = $"net.ipv4.conf.{name}.rp_filter";
        foreach (var bridge in bridges)
            keysByFile[$"{at}/sys/class/net/{bridge.Name}/bridge/nf_call_iptables"] = $"bridge.{bridge.Name}.nf_call_iptables";

        // One grep for every file: "FILE:VALUE" per readable file; -s keeps quiet about missing ones
        // (no br_netfilter module means no /proc/sys/net/bridge), which simply stay unknown.
        var outcome = shell.Run("grep", ["-H", "-s", ".", .. keysByFile.Keys]);
        if (outcome.ExitCode > 2 || (outcome.ExitCode == 2 && outcome.Stdout.Length == 0 && outcome.Stderr.Length > 0))
            throw new CliFailure(Input.LiveFirewallReader.FailureMessage(shell.Describe("grep", "-H", "-s", ".", "..."), outcome));

        var settings = HostSettings.Unknown;
        foreach (var line in outcome.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.LastIndexOf(':');
            if (colon > 0 && keysByFile.TryGetValue(line[..colon], out var key)) settings = settings.With(key, line[(colon + 1)..]);
        }

        // Without br_netfilter there is no such sysctl and no hook either: bridged traffic is not filtered.
        if (settings.BridgeNfCallIptables is not null) return (settings, []);
        return (settings.With("net.bridge.bridge-nf-call-iptables", "0"),
            ["br_netfilter is not loaded (no net.bridge.bridge-nf-call-iptables): traffic inside a bridge never reaches iptables"]);
    }

    /// <summary>
    /// The interfaces of <c>ip -d -j addr show</c> that packets are routed in on: every link but a
    /// bridge's ports (a link with a <c>master</c>), whose packets the host sees on the bridge.
    /// </summary>
    public static ImmutableArray<string> RoutedInterfaces(string addrJson)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(addrJson.Trim().Length == 0 ? "[]" : addrJson);
            return [.. document.RootElement.EnumerateArray()
                .Where(l => l.ValueKind == System.Text.Json.JsonValueKind.Object && !l.TryGetProperty("master", out _))
                .Select(l => l.TryGetProperty("ifname", out var n) && n.ValueKind == System.Text.Json.JsonValueKind.String ? n.GetString() : null)
                .OfType<string>()];
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }
}
