using DockerFw.Cli.Input;
using DockerFw.Cli.Live;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Cli.Apply;

/// <summary>
/// Applies a plan the way iptables-apply does: a backup written and fsynced first, one
/// <c>iptables-restore --noflush --wait</c> transaction, a read-back that must equal the plan, and on
/// any failure (or no confirmation in time) a full restore of the backup. Messages go to <c>log</c>.
/// </summary>
internal sealed class PolicyApplier(IHostCommandRunner runner, TextWriter log)
{
    // --wait takes an optional value: written apart, it would swallow the file name and read stdin.
    private const string Wait = "--wait=10";

    public bool Apply(PolicyPlan plan, string? netns, string backupDirectory, Func<bool> confirmed)
    {
        var shell = new HostShell(runner, netns);
        var current = shell.Run("iptables-save");
        if (current.ExitCode != 0)
        {
            log.WriteLine($"dockerfw: error: {shell.Describe("iptables-save")} failed, nothing applied: {current.Stderr.Trim()}");
            return false;
        }

        var backup = WriteDurably(backupDirectory, $"iptables-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}.save", current.Stdout);
        log.WriteLine($"dockerfw: backup of the current rules: {backup}");

        var input = WriteDurably(backupDirectory, $"plan-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}.restore", plan.RestoreInput);
        var applied = shell.Run("iptables-restore", "--noflush", Wait, input);
        if (applied.ExitCode != 0)
            return RollBack(shell, backup, $"iptables-restore refused the plan: {applied.Stderr.Trim()}");

        var problem = Verify(shell, plan);
        if (problem is not null) return RollBack(shell, backup, problem);

        if (!confirmed()) return RollBack(shell, backup, "not confirmed in time");
        log.WriteLine("dockerfw: applied and verified");
        return true;
    }

    /// <summary>The filter table read back must hold exactly the plan's chains and rules, counters aside.</summary>
    private static string? Verify(HostShell shell, PolicyPlan plan)
    {
        var saved = shell.Run("iptables-save");
        if (saved.ExitCode != 0) return $"reading the rules back failed: {saved.Stderr.Trim()}";
        var read = IptablesSaveReader.Read(saved.Stdout, "iptables-save", IpFamily.V4);
        if (read.Value is null) return "the rules read back do not parse";
        var (now, planned) = (Chains(read.Value), Chains(plan.After));
        var differing = planned.Keys.Union(now.Keys)
            .Where(k => !now.TryGetValue(k, out var a) || !planned.TryGetValue(k, out var b) || a != b)
            .Order(StringComparer.Ordinal)
            .ToList();
        return differing.Count == 0 ? null : $"the rules read back differ from the plan in chain(s) {string.Join(", ", differing)}";
    }

    // Per chain, so that the place iptables-save lists a new chain at does not count.
    private static Dictionary<string, string> Chains(Ruleset ruleset) =>
        ruleset["filter"]?.Chains.ToDictionary(c => c.Name, c => string.Join('\n', c.Rules.Select(r => IptablesSaveWriter.FormatRule(r))))
        ?? [];

    private bool RollBack(HostShell shell, string backup, string why)
    {
        // Without --noflush every table in the backup is replaced whole, dockerfw's chain included.
        var restored = shell.Run("iptables-restore", Wait, backup);
        log.WriteLine(restored.ExitCode == 0
            ? $"dockerfw: error: {why}; the previous rules were restored from {backup}"
            : $"dockerfw: error: {why}; restoring {backup} FAILED too: {restored.Stderr.Trim()} (restore it by hand: iptables-restore {backup})");
        return false;
    }

    private static string WriteDurably(string directory, string name, string text)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(text);
            writer.Flush();
            file.Flush(flushToDisk: true);
        }

        return path;
    }
}
