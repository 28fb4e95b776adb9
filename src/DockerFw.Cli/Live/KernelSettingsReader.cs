using System.Collections.Immutable;
using DockerFw.Core.Audit;

namespace DockerFw.Cli.Live;

/// <summary>
/// Reads the kernel settings that decide whether rules apply at all: <c>net.ipv4.ip_forward</c> and
/// <c>net.ipv6.conf.all.forwarding</c>,
/// br_netfilter's <c>bridge-nf-call-iptables</c>/<c>-ip6tables</c>, and each bridge's own
/// <c>nf_call_iptables</c> (stored as <c>bridge.BRIDGE.nf_call_iptables</c>, the key <c>--sysctl</c> takes),
/// and which of conntrack's trackers the kernel has.
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

    public static (HostSettings Settings, ImmutableArray<string> Notices) Read(HostShell shell, IEnumerable<HostBridge> bridges)
    {
        var keysByFile = Sysctls.ToDictionary(key => "/proc/sys/" + key.Replace('.', '/'), key => key);
        foreach (var bridge in bridges)
            keysByFile[$"/sys/class/net/{bridge.Name}/bridge/nf_call_iptables"] = $"bridge.{bridge.Name}.nf_call_iptables";

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
}
