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
/// any failure (or no confirmation in time) a full restore of the backup. A dual-stack plan does the
/// same with ip6tables after iptables, and a failure in either family restores both backups.
/// Messages go to <c>log</c>.
/// </summary>
internal sealed class PolicyApplier(IHostCommandRunner runner, TextWriter log, TimeProvider? clock = null)
{
    // --wait takes an optional value: written apart, it would swallow the file name and read stdin.
    private const string Wait = "--wait=10";

    /// <summary>The tools and file names of one family.</summary>
    private sealed record Family(string Save, string Restore, IpFamily Ip, string BackupStem, string PlanStem);

    private static readonly Family V4 = new("iptables-save", "iptables-restore", IpFamily.V4, "iptables", "plan");

    private static readonly Family V6 = new("ip6tables-save", "ip6tables-restore", IpFamily.V6, "ip6tables", "plan6");

    public bool Apply(PolicyPlan plan, string? netns, string backupDirectory, Func<bool> confirmed)
    {
        var shell = new HostShell(runner, netns);
        var halves = plan.Ipv6 is { } ipv6 ? new[] { (V4, plan), (V6, ipv6) } : [(V4, plan)];
        var stamp = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss.ffffff'Z'", CultureInfo.InvariantCulture);

        var backups = new List<(Family Family, string Path)>();
        foreach (var (family, _) in halves)
        {
            var current = shell.Run(family.Save);
            if (current.ExitCode != 0)
            {
                log.WriteLine($"dockerfw: error: {shell.Describe(family.Save)} failed, nothing applied: {current.Stderr.Trim()}");
                return false;
            }

            var backup = WriteDurably(backupDirectory, $"{family.BackupStem}-{stamp}", ".save", current.Stdout);
            log.WriteLine($"dockerfw: backup of the current {(family == V4 ? "rules" : "IPv6 rules")}: {backup}");
            backups.Add((family, backup));
        }

        foreach (var (family, half) in halves)
        {
            var input = WriteDurably(backupDirectory, $"{family.PlanStem}-{stamp}", ".restore", half.RestoreInput);
            var applied = shell.Run(family.Restore, "--noflush", Wait, input);
            if (applied.ExitCode != 0)
                return RollBack(shell, backups, $"{family.Restore} refused the plan: {applied.Stderr.Trim()}");

            var problem = Verify(shell, family, half);
            if (problem is not null) return RollBack(shell, backups, problem);
        }

        if (!confirmed()) return RollBack(shell, backups, "not confirmed in time");
        log.WriteLine("dockerfw: applied and verified");
        return true;
    }

    /// <summary>The filter table read back must hold exactly the plan's chains and rules, counters aside.</summary>
    private static string? Verify(HostShell shell, Family family, PolicyPlan plan)
    {
        var saved = shell.Run(family.Save);
        if (saved.ExitCode != 0) return $"reading the rules back failed: {saved.Stderr.Trim()}";
        var read = IptablesSaveReader.Read(saved.Stdout, family.Save, family.Ip);
        if (read.Value is null) return $"the rules {family.Save} read back do not parse";
        var (now, planned) = (Chains(read.Value), Chains(plan.After));
        var differing = planned.Keys.Union(now.Keys)
            .Where(k => !now.TryGetValue(k, out var a) || !planned.TryGetValue(k, out var b) || a != b)
            .Order(StringComparer.Ordinal)
            .ToList();
        var where = family == V4 ? "" : " of ip6tables";
        return differing.Count == 0 ? null : $"the rules read back differ from the plan in chain(s){where} {string.Join(", ", differing)}";
    }

    // Per chain, so that the place iptables-save lists a new chain at does not count.
    private static Dictionary<string, string> Chains(Ruleset ruleset) =>
        ruleset["filter"]?.Chains.ToDictionary(c => c.Name, c => string.Join('\n', c.Rules.Select(r => IptablesSaveWriter.FormatRule(r))))
        ?? [];

    private bool RollBack(HostShell shell, List<(Family Family, string Path)> backups, string why)
    {
        foreach (var (family, backup) in backups)
        {
            // Without --noflush every table in the backup is replaced whole, dockerfw's chain included.
            var restored = shell.Run(family.Restore, Wait, backup);
            log.WriteLine(restored.ExitCode == 0
                ? $"dockerfw: error: {why}; the previous rules were restored from {backup}"
                : $"dockerfw: error: {why}; restoring {backup} FAILED too: {restored.Stderr.Trim()} (restore it by hand: {family.Restore} {backup})");
        }

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
