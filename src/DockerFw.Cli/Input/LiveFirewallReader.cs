using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Cli.Input;

/// <summary>
/// Live mode: runs <c>iptables-save</c> and <c>ip6tables-save</c> on this host, or inside a network
/// namespace with <c>ip netns exec NAME ...</c>.
/// </summary>
internal sealed class LiveFirewallReader(IHostCommandRunner runner)
{
    public ImmutableArray<DumpText> Read(string? netns) =>
    [
        Save("iptables-save", IpFamily.V4, netns),
        Save("ip6tables-save", IpFamily.V6, netns),
    ];

    /// <summary>
    /// The other back end's dumps when both hold tables: iptables-nft-save warns
    /// <c>iptables-legacy tables present</c>, and the kernel runs both for every packet.
    /// </summary>
    public ImmutableArray<DumpText> ReadOtherBackends(string? netns, IEnumerable<DumpText> primary)
    {
        var other = ImmutableArray.CreateBuilder<DumpText>();
        foreach (var dump in primary)
        {
            if (!dump.Text.Contains("iptables-legacy tables present", StringComparison.Ordinal)) continue;
            var tool = dump.Family == IpFamily.V6 ? "ip6tables-legacy-save" : "iptables-legacy-save";
            other.Add(Save(tool, dump.Family ?? IpFamily.V4, netns));
        }

        return other.ToImmutable();
    }

    private DumpText Save(string tool, IpFamily family, string? netns)
    {
        var (program, arguments) = netns is null
            ? (tool, Array.Empty<string>())
            : ("ip", new[] { "netns", "exec", netns, tool });
        var outcome = runner.Run(program, arguments);
        if (outcome.ExitCode != 0)
            throw new CliFailure(FailureMessage(ProcessCommandRunner.Describe(program, arguments), outcome));

        var name = netns is null ? tool : $"{tool}@{netns}";
        return new DumpText(WithCommentsFromStderr(outcome), name, family);
    }

    /// <summary>
    /// iptables-nft-save prints <c># Warning: iptables-legacy tables present</c> on stderr. Put such
    /// comment lines first, where <c>2&gt;&amp;1</c> puts them, so the reader records that half of
    /// the firewall is in the other back end.
    /// </summary>
    private static string WithCommentsFromStderr(CommandOutcome outcome)
    {
        var comments = outcome.Stderr.Split('\n').Where(line => line.StartsWith('#')).Select(line => line + "\n");
        return string.Concat(comments) + outcome.Stdout;
    }

    public static string FailureMessage(string command, CommandOutcome outcome)
    {
        var stderr = outcome.Stderr.Trim();
        var needsRoot = NeedsPrivilege(stderr) ? " (reading the firewall needs root: run dockerfw as root)" : "";
        var detail = stderr.Length > 0 ? stderr : "no message on stderr";
        return $"'{command}' failed with exit code {outcome.ExitCode}{needsRoot}: {detail}";
    }

    private static bool NeedsPrivilege(string stderr) =>
        stderr.Contains("Permission denied", StringComparison.OrdinalIgnoreCase)
        || stderr.Contains("Operation not permitted", StringComparison.OrdinalIgnoreCase)
        || stderr.Contains("must be root", StringComparison.OrdinalIgnoreCase);
}
