using System.Globalization;
using System.Text.Json.Nodes;
using DockerFw.Cli.Input;
using DockerFw.Cli.Live;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.NftJson;

namespace DockerFw.Cli.Apply;

/// <summary>
/// Applies a plan of dockerfw's nft table (Docker 29's nftables backend) as <see cref="PolicyApplier"/>
/// applies an iptables one: a backup of dockerfw's tables (<c>nft -j list table</c>) and the undo
/// input written and fsynced first, the plan loaded with one <c>nft -f</c> (both families in one
/// transaction), a read-back that must equal the proved table, and on any failure, no confirmation
/// or a dead dockerfw (the same <see cref="RollbackWatchdog"/>) the undo: one <c>nft -j -f</c> that
/// recreates dockerfw's tables exactly as backed up. Only dockerfw's tables are named, so Docker's
/// <c>docker-bridges</c> and everything else stay as they are now.
/// </summary>
internal sealed class NftPolicyApplier(IHostCommandRunner runner, TextWriter log, TimeProvider? clock = null)
{
    public bool Apply(PolicyPlan plan, string? netns, string backupDirectory, Func<string?> confirm, TimeSpan? watchdogAfter = null)
    {
        var shell = new HostShell(runner, netns);
        var families = new[] { (IpFamily.V4, plan), (IpFamily.V6, plan.Ipv6) };
        var stamp = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss.ffffff'Z'", CultureInfo.InvariantCulture);
        if (BackupFiles.Problem(backupDirectory) is { } unusable)
        {
            log.WriteLine($"dockerfw: error: {unusable}; nothing applied (choose another with --backup-dir)");
            return false;
        }

        var tables = new List<Table?>();
        var written = new List<string>();
        string undo, input;
        var rollback = new NftRollback(shell, log);
        try
        {
            var listings = new List<string>();
            foreach (var (family, _) in families)
            {
                var (table, listing, problem) = rollback.Read(family);
                if (problem is not null)
                {
                    log.WriteLine($"dockerfw: error: {problem}; nothing applied{Naming(written)}");
                    return false;
                }

                var backup = BackupFiles.WriteDurably(backupDirectory, $"nft-{NftPolicyTable.FamilyOf(family)}-{NftPolicyTable.Name}-{stamp}", ".json", listing);
                log.WriteLine($"dockerfw: backup of dockerfw's table {NftPolicyTable.FamilyOf(family)} {NftPolicyTable.Name}: {backup}");
                written.Add(backup);
                tables.Add(table);
                listings.Add(listing);
            }

            undo = BackupFiles.WriteDurably(backupDirectory, $"undo-nft-{stamp}", ".json", NftRollback.UndoInput(listings));
            input = BackupFiles.WriteDurably(backupDirectory, $"plan-nft-{stamp}", ".nft", plan.RestoreInput);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CliFailure)
        {
            log.WriteLine($"dockerfw: error: {e.Message}; nothing applied{Naming(written)}");
            return false;
        }

        var saved = new NftRollback.Saved(undo, [.. written], [.. tables]);
        RollbackWatchdog? watchdog = null;
        if (watchdogAfter is { } wait)
        {
            (watchdog, var problem) = RollbackWatchdog.Start(runner, backupDirectory, stamp, wait, [NftRollback.Command(shell, "nft", "-j", "-f", undo)]);
            if (watchdog is null)
            {
                log.WriteLine($"dockerfw: error: cannot start the rollback watchdog ({problem}); nothing applied");
                return false;
            }
        }

        try
        {
            var applied = shell.Run("nft", "-f", input);
            if (applied.ExitCode != 0) return rollback.Run(saved, $"nft -f refused the plan: {applied.Stderr.Trim()}", watchdog);
            foreach (var (family, half) in families)
            {
                var expected = half is null ? tables[family == IpFamily.V4 ? 0 : 1] : NftPolicyTable.Of(half.After, family);
                var (now, _, readProblem) = rollback.Read(family);
                var problem = readProblem ?? NftPolicyTable.Differs(expected, now);
                if (problem is not null) return rollback.Run(saved, $"the table read back differs from the plan: {problem}", watchdog);
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
}
