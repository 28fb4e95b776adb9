using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Acceptance;

/// <summary>
/// One dump read by dockerfw and loaded by iptables-legacy-restore (ip6tables-legacy-restore for IPv6) into a
/// namespace of our own, the acceptance tests' one question: dockerfw accepts it exactly when restore does. The
/// rules the kernel's save prints back are handed over for the caller to compare.
/// </summary>
internal static class LegacyRestore
{
    /// <param name="counters">Restore with <c>--counters</c> and save with <c>-c</c>: the rule lines carry <c>[P:B]</c>.</param>
    /// <param name="prepare">What the namespace needs first (the sets a rule names).</param>
    /// <returns>dockerfw's ruleset and the kernel's saved rule lines of <paramref name="table"/>; null when both refuse.</returns>
    public static (Ruleset Ours, List<string> Saved)? Agree(string text, string table = "filter", IpFamily family = IpFamily.V4,
        bool counters = false, Action<Netns>? prepare = null)
    {
        var ours = IptablesSaveReader.Read(text, "t", family);
        using var netns = Netns.Create();
        prepare?.Invoke(netns);
        var tool = family == IpFamily.V6 ? "ip6tables" : "iptables";
        var kernel = netns.ExecWithInput(text, [$"{tool}-legacy-restore", .. counters ? ["--counters"] : Array.Empty<string>()]);
        Assert.True(ours.Succeeded == kernel.Ok,
            $"{text}: dockerfw {(ours.Succeeded ? "accepts" : $"refuses ({ours.Errors.First().Render()})")}, legacy {(kernel.Ok ? "loads" : $"refuses ({kernel.Error.Trim()})")}");
        if (!kernel.Ok) return null;
        var saved = netns.Exec([$"{tool}-legacy-save", .. counters ? ["-c"] : Array.Empty<string>(), "-t", table]).EnsureOk().Out
            .Split('\n').Where(line => line.StartsWith("-A ", StringComparison.Ordinal) || line.StartsWith('[')).ToList();
        return (ours.Value!, saved);
    }
}
