using DockerFw.Cli.Input;
using DockerFw.Cli.Live;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Cli.Apply;

/// <summary>
/// Undoes an apply family by family (<see cref="PolicyUndo"/>) against the rules as they are now, so
/// that a container Docker started or a dockerd restart during the apply keeps its rules; each undo
/// is verified by reading back. A failure names the undo file and the backup, with the command that
/// loads it, inside the namespace when there is one.
/// </summary>
internal sealed class PolicyRollback(HostShell shell, TextWriter log, string directory)
{
    /// <summary>Undoes every family (each tried, whatever the others did); whether all were undone.</summary>
    public bool Undo(IReadOnlyList<SavedFamily> saved, string why) => saved.Select(s => Undo(s, why)).ToList().All(ok => ok);

    private bool Undo(SavedFamily saved, string why)
    {
        var family = saved.Family;
        try
        {
            var now = Read(family);
            if (now is null) return Failed(saved, why, $"{family.Save} failed");
            if (PolicyUndo.RestoreInput(saved.Before, now, saved.Moved) is not { } input)
            {
                log.WriteLine($"dockerfw: error: {why}; dockerfw had not changed the {family.Rules} (backup: {saved.Backup})");
                return true;
            }

            var file = input == saved.UndoText ? saved.Undo! : BackupFiles.WriteDurably(directory, $"{family.UndoStem}-now", ".restore", input);
            var restored = shell.Run(family.Restore, "--noflush", ApplyFamily.Wait, file);
            if (restored.ExitCode != 0) return Failed(saved, why, restored.Stderr.Trim());
            var back = Read(family);
            var still = back is null ? $"{family.Save} failed" : PolicyUndo.Differs(saved.Before, back, saved.Moved);
            if (still is not null) return Failed(saved, why, $"read back, {still}");
            log.WriteLine($"dockerfw: error: {why}; dockerfw's changes to the {family.Rules} were undone: {PolicyPlanner.Chain} and its jump{(saved.Moved is null ? "" : $" (and {ForwardJump.Forward}'s jump to {PolicyPlanner.DockerUser}, back after the rule it followed)")} are as in {saved.Backup}, every other rule is left as it is now");
            return true;
        }
        catch (Exception e) when (e is CliFailure or IOException or UnauthorizedAccessException)
        {
            return Failed(saved, why, e.Message);
        }
    }

    private Core.Model.Ruleset? Read(ApplyFamily family)
    {
        var saved = shell.Run(family.Save);
        return saved.ExitCode == 0 ? IptablesSaveReader.Read(saved.Stdout, family.Save, family.Ip).Value : null;
    }

    private bool Failed(SavedFamily saved, string why, string detail)
    {
        var family = saved.Family;
        var byHand = saved.Undo is { } undo
            ? $"undo them by hand with: {string.Join(' ', shell.Argv(family.Restore, "--noflush", undo))}; the full backup is {saved.Backup}"
            : $"the full backup is {saved.Backup}, loaded with: {string.Join(' ', shell.Argv(family.Restore, saved.Backup))} (it also replaces rules others changed since)";
        log.WriteLine($"dockerfw: error: {why}; undoing dockerfw's changes to the {family.Rules} FAILED: {detail} ({byHand})");
        return false;
    }
}
