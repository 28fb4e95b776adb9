using System.Globalization;
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
internal sealed class PolicyApplier(IHostCommandRunner runner, TextWriter log, TimeProvider? clock = null)
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

        var stamp = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss.ffffff'Z'", CultureInfo.InvariantCulture);
        var backup = WriteDurably(backupDirectory, $"iptables-{stamp}", ".save", current.Stdout);
        log.WriteLine($"dockerfw: backup of the current rules: {backup}");

        var input = WriteDurably(backupDirectory, $"plan-{stamp}", ".restore", plan.RestoreInput);
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

    /// <summary>
    /// A new file named after the moment, never an existing one: two applies within the same tick (or
    /// a clock set back) get <c>-1</c>, <c>-2</c>... instead of overwriting a backup a rollback may need.
    /// </summary>
    private static string WriteDurably(string directory, string stem, string extension, string text)
    {
        Directory.CreateDirectory(directory);
        for (var n = 0; ; n++)
        {
            var path = Path.Combine(directory, n == 0 ? stem + extension : $"{stem}-{n}{extension}");
            FileStream file;
            try
            {
                file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            }
            catch (IOException) when (File.Exists(path))
            {
                continue;
            }

            using (file)
            using (var writer = new StreamWriter(file))
            {
                writer.Write(text);
                writer.Flush();
                file.Flush(flushToDisk: true);
            }

            return path;
        }
    }
}
