using System.Globalization;
using DockerFw.Cli.Input;
using DockerFw.Cli.Live;
using DockerFw.Core.Remediation;

namespace DockerFw.Cli.Apply;

/// <summary>
/// Applies a plan the way iptables-apply does, but undoes only its own change: backups and the undo
/// input written and fsynced first, the plan loaded in one transaction per tool, a read-back that must
/// equal the plan, and on any failure after the first backup (or no confirmation) dockerfw's part put
/// back as it was, leaving every rule others changed meanwhile. With a confirmation wait a detached
/// <see cref="RollbackWatchdog"/> undoes it even if dockerfw dies. What is read, loaded and undone is
/// the backend's (<see cref="IptablesPolicyApplier"/>, <see cref="NftPolicyApplier"/>); this order is
/// the same for both. Messages go to <c>log</c>.
/// </summary>
internal sealed class PolicyApplier(IHostCommandRunner runner, TextWriter log, TimeProvider? clock = null)
{
    /// <summary>
    /// Applies <paramref name="plan"/>; <paramref name="confirm"/> returns null when the change is
    /// confirmed, otherwise why not. <paramref name="watchdogAfter"/>: the confirmation wait, when there is one.
    /// </summary>
    public bool Apply(PolicyPlan plan, string? netns, string backupDirectory, Func<string?> confirm, TimeSpan? watchdogAfter = null)
    {
        var shell = new HostShell(runner, netns);
        IApplyBackend backend = plan.Nftables ? new NftPolicyApplier(shell, log, plan) : new IptablesPolicyApplier(shell, log, plan);
        var stamp = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss.ffffff'Z'", CultureInfo.InvariantCulture);
        if (BackupFiles.Problem(backupDirectory) is { } unusable)
        {
            log.WriteLine($"dockerfw: error: {unusable}; nothing applied (choose another with --backup-dir)");
            return false;
        }

        var files = new ApplyFiles(backupDirectory, stamp, log);
        try
        {
            if (backend.Prepare(files) is { } problem)
            {
                log.WriteLine($"dockerfw: error: {problem}");
                return false;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CliFailure)
        {
            log.WriteLine($"dockerfw: error: {e.Message}; nothing applied{files.Kept}");
            return false;
        }

        RollbackWatchdog? watchdog = null;
        if (watchdogAfter is { } wait)
        {
            (watchdog, var problem) = RollbackWatchdog.Start(runner, backupDirectory, stamp, wait, backend.UndoCommands());
            if (watchdog is null)
            {
                log.WriteLine($"dockerfw: error: cannot start the rollback watchdog ({problem}); nothing applied");
                return false;
            }
        }

        string? failed;
        try
        {
            failed = backend.Load();
        }
        catch (CliFailure e)
        {
            failed = e.Message;
        }

        if (failed is not null) return Rollback(backend, failed, watchdog);
        if (confirm() is { } unconfirmed) return Rollback(backend, unconfirmed, watchdog);
        if (watchdog is not null && !watchdog.Settle())
            return Rollback(backend, "the confirmation could not be recorded for the rollback watchdog", watchdog);
        log.WriteLine("dockerfw: applied and verified");
        return true;
    }

    /// <summary>Undoes the apply; always false (it did not happen), after telling the watchdog when it is done.</summary>
    private bool Rollback(IApplyBackend backend, string why, RollbackWatchdog? watchdog)
    {
        var undone = backend.Undo(why);
        if (watchdog is null) return false;
        if (undone) watchdog.Settle();
        else log.WriteLine($"dockerfw: the rollback watchdog tries again when the wait is over (its log: {watchdog.Log})");
        return false;
    }
}
