using System.Globalization;
using DockerFw.Cli.Input;
using DockerFw.Cli.Live;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Cli.Apply;

/// <summary>
/// Applies a plan the way iptables-apply does, but undoes only its own change: a backup and the undo
/// input (<see cref="PolicyUndo"/>) written and fsynced first, one <c>iptables-restore --noflush --wait</c>
/// transaction, a read-back that must equal the plan, and on any failure after the first backup (or no
/// confirmation) dockerfw's chain and jump are put back as they were, leaving every rule others
/// changed meanwhile. A dual-stack plan does the same with ip6tables after iptables; a failure in
/// either family undoes both. With a confirmation wait a detached <see cref="RollbackWatchdog"/>
/// undoes it even if dockerfw dies. Messages go to <c>log</c>.
/// </summary>
internal sealed class PolicyApplier(IHostCommandRunner runner, TextWriter log, TimeProvider? clock = null)
{
    /// <summary>
    /// Applies <paramref name="plan"/>; <paramref name="confirm"/> returns null when the change is
    /// confirmed, otherwise why not. <paramref name="watchdogAfter"/>: the confirmation wait, when there is one.
    /// </summary>
    public bool Apply(PolicyPlan plan, string? netns, string backupDirectory, Func<string?> confirm, TimeSpan? watchdogAfter = null)
    {
        if (plan.Nftables) return new NftPolicyApplier(runner, log, clock).Apply(plan, netns, backupDirectory, confirm, watchdogAfter);
        var shell = new HostShell(runner, netns);
        var halves = plan.Ipv6 is { } ipv6 ? new[] { (ApplyFamily.V4, plan), (ApplyFamily.V6, ipv6) } : [(ApplyFamily.V4, plan)];
        var stamp = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss.ffffff'Z'", CultureInfo.InvariantCulture);
        if (BackupFiles.Problem(backupDirectory) is { } unusable)
        {
            log.WriteLine($"dockerfw: error: {unusable}; nothing applied (choose another with --backup-dir)");
            return false;
        }

        var saved = new List<SavedFamily>();
        var written = new List<string>();
        var inputs = new List<string>();
        try
        {
            foreach (var (family, half) in halves)
            {
                var current = shell.Run(family.Save);
                var before = current.ExitCode == 0 ? IptablesSaveReader.Read(current.Stdout, family.Save, family.Ip).Value : null;
                if (before is null)
                {
                    log.WriteLine($"dockerfw: error: {shell.Describe(family.Save)} failed, nothing applied: {current.Stderr.Trim()}");
                    return false;
                }

                var backup = BackupFiles.WriteDurably(backupDirectory, $"{family.BackupStem}-{stamp}", ".save", current.Stdout);
                log.WriteLine($"dockerfw: backup of the current {family.Rules}: {backup}");
                written.Add(backup);
                var undoText = PolicyUndo.RestoreInput(before, half.After);
                var undo = undoText is null ? null : BackupFiles.WriteDurably(backupDirectory, $"{family.UndoStem}-{stamp}", ".restore", undoText);
                saved.Add(new SavedFamily(family, backup, before, undo, undoText));
                inputs.Add(BackupFiles.WriteDurably(backupDirectory, $"{family.PlanStem}-{stamp}", ".restore", half.RestoreInput));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CliFailure)
        {
            log.WriteLine($"dockerfw: error: {e.Message}; nothing applied{Naming(written)}");
            return false;
        }

        var rollback = new PolicyRollback(shell, log, backupDirectory);
        RollbackWatchdog? watchdog = null;
        if (watchdogAfter is { } wait)
        {
            var commands = saved.Where(s => s.Undo is not null).Select(s => rollback.Command(s.Family.Restore, "--noflush", ApplyFamily.Wait, s.Undo!));
            (watchdog, var problem) = RollbackWatchdog.Start(runner, backupDirectory, stamp, wait, commands);
            if (watchdog is null)
            {
                log.WriteLine($"dockerfw: error: cannot start the rollback watchdog ({problem}); nothing applied");
                return false;
            }
        }

        try
        {
            foreach (var ((family, half), input) in halves.Zip(inputs))
            {
                var applied = shell.Run(family.Restore, "--noflush", ApplyFamily.Wait, input);
                if (applied.ExitCode != 0)
                    return rollback.Run(saved, $"{family.Restore} refused the plan: {applied.Stderr.Trim()}", watchdog);

                var problem = Verify(shell, family, half);
                if (problem is not null) return rollback.Run(saved, problem, watchdog);
            }
        }
        catch (CliFailure e)
        {
            return rollback.Run(saved, e.Message, watchdog);
        }

        if (confirm() is { } unconfirmed) return rollback.Run(saved, unconfirmed, watchdog);
        if (watchdog is not null && !watchdog.Settle())
            return rollback.Run(saved, "the confirmation could not be recorded for the rollback watchdog", watchdog);
        log.WriteLine("dockerfw: applied and verified");
        return true;
    }

    private static string Naming(List<string> backups) =>
        backups.Count == 0 ? "" : $" (backups kept: {string.Join(", ", backups)})";

    /// <summary>The filter table read back must hold exactly the plan's chains and rules, counters aside.</summary>
    private static string? Verify(HostShell shell, ApplyFamily family, PolicyPlan plan)
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
        var where = family.Ip == IpFamily.V4 ? "" : " of ip6tables";
        return differing.Count == 0 ? null : $"the rules read back differ from the plan in chain(s){where} {string.Join(", ", differing)}";
    }

    // Per chain, so that the place iptables-save lists a new chain at does not count.
    private static Dictionary<string, string> Chains(Ruleset ruleset) =>
        ruleset["filter"]?.Chains.ToDictionary(c => c.Name, c => string.Join('\n', c.Rules.Select(r => IptablesSaveWriter.FormatRule(r))))
        ?? [];
}
