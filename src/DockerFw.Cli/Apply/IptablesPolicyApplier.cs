using DockerFw.Cli.Input;
using DockerFw.Cli.Live;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Cli.Apply;

/// <summary>
/// The iptables part of an apply (<see cref="PolicyApplier"/>): a backup of the rules and the undo
/// input (<see cref="PolicyUndo"/>) per family, one <c>iptables-restore --noflush --wait</c>
/// transaction per family, a read-back that must equal the plan, and an undo of dockerfw's chain and
/// jump only (<see cref="PolicyRollback"/>). A dual-stack plan does the same with ip6tables after
/// iptables; a failure in either family undoes both.
/// </summary>
internal sealed class IptablesPolicyApplier(HostShell shell, TextWriter log, PolicyPlan plan) : IApplyBackend
{
    private readonly (ApplyFamily Family, PolicyPlan Half)[] halves =
        plan.Ipv6 is { } ipv6 ? [(ApplyFamily.V4, plan), (ApplyFamily.V6, ipv6)] : [(ApplyFamily.V4, plan)];

    private readonly List<SavedFamily> saved = [];
    private readonly List<string> inputs = [];
    private PolicyRollback? rollback;

    public string? Prepare(ApplyFiles files)
    {
        rollback = new PolicyRollback(shell, log, files.Directory);
        foreach (var (family, half) in halves)
        {
            var current = shell.Run(family.Save);
            var before = current.ExitCode == 0 ? IptablesSaveReader.Read(current.Stdout, family.Save, family.Ip).Value : null;
            if (before is null) return $"{shell.Describe(family.Save)} failed, nothing applied: {current.Stderr.Trim()}";

            var backup = files.Backup(family.BackupStem, ".save", current.Stdout, $"the current {family.Rules}");
            var undoText = PolicyUndo.RestoreInput(before, half.After, half.MovesJump);
            var undo = undoText is null ? null : files.Write(family.UndoStem, ".restore", undoText);
            saved.Add(new SavedFamily(family, backup, before, undo, undoText, half.MovesJump));
            inputs.Add(files.Write(family.PlanStem, ".restore", half.RestoreInput));
        }

        return null;
    }

    public IEnumerable<string[]> UndoCommands() =>
        saved.Where(s => s.Undo is not null).Select(s => shell.Argv(s.Family.Restore, "--noflush", ApplyFamily.Wait, s.Undo!));

    public string? Load()
    {
        foreach (var ((family, half), input) in halves.Zip(inputs))
        {
            var applied = shell.Run(family.Restore, "--noflush", ApplyFamily.Wait, input);
            if (applied.ExitCode != 0) return $"{family.Restore} refused the plan: {applied.Stderr.Trim()}";
            if (Verify(family, half) is { } problem) return problem;
        }

        return null;
    }

    public bool Undo(string why) => rollback!.Undo(saved, why);

    /// <summary>The filter table read back must hold exactly the plan's chains and rules, counters aside.</summary>
    private string? Verify(ApplyFamily family, PolicyPlan half)
    {
        var current = shell.Run(family.Save);
        if (current.ExitCode != 0) return $"reading the rules back failed: {current.Stderr.Trim()}";
        var read = IptablesSaveReader.Read(current.Stdout, family.Save, family.Ip);
        if (read.Value is null) return $"the rules {family.Save} read back do not parse";
        var (now, planned) = (Chains(read.Value), Chains(half.After));
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
