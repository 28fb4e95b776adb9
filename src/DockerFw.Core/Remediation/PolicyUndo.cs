using System.Text;
using DockerFw.Core.Model;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Core.Remediation;

/// <summary>
/// Undoes exactly what an apply changed in one family: dockerfw's chain gets back the rules it had
/// before (or goes away when it did not exist) and the jumps the apply added to DOCKER-USER are
/// deleted (or, after a removal, put back first in DOCKER-USER); a jump to DOCKER-USER the plan moved
/// first in FORWARD goes back after the rule that preceded it (<see cref="ForwardJump.UndoLines"/>). Nothing else is named in the <c>iptables-restore --noflush</c> input, so every rule
/// others changed meanwhile (a container Docker started, a dockerd restart) stays as it is now;
/// restoring the whole backup would erase those.
/// </summary>
public static class PolicyUndo
{
    private static readonly string JumpText = $"-A {PolicyPlanner.DockerUser} -j {PolicyPlanner.Chain}";

    /// <summary>
    /// The input that returns <paramref name="now"/>'s dockerfw part to <paramref name="before"/>'s,
    /// or null when it already is (nothing of dockerfw's changed, e.g. the plan was refused).
    /// <paramref name="moved"/>: FORWARD's jump to DOCKER-USER as it was, when the plan moved it first
    /// (<see cref="PolicyPlan.MovesJump"/>); only then is FORWARD named, since Docker itself puts the
    /// jump first when it creates a network, and that move is not dockerfw's to undo.
    /// </summary>
    public static string? RestoreInput(Ruleset before, Ruleset now, ForwardJump? moved = null)
    {
        if (Differs(before, now, moved) is null) return null;
        var text = new StringBuilder("*filter\n");
        var (kept, current) = (OwnRules(before), OwnRules(now));
        // Declaring the chain under --noflush flushes it (and creates it when it is gone).
        if (kept is not null || current is not null) text.Append($":{PolicyPlanner.Chain} - [0:0]\n");
        for (var extra = Jumps(now) - Jumps(before); extra > 0; extra--)
            text.Append($"-D {PolicyPlanner.DockerUser} -j {PolicyPlanner.Chain}\n");
        if (kept is null)
        {
            if (current is not null) text.Append($"-X {PolicyPlanner.Chain}\n");
        }
        else
        {
            foreach (var rule in kept) text.Append(rule).Append('\n');
        }

        for (var missing = Jumps(before) - Jumps(now); missing > 0; missing--)
            text.Append($"-I {PolicyPlanner.DockerUser} 1 -j {PolicyPlanner.Chain}\n");
        foreach (var line in moved?.UndoLines(now) ?? []) text.Append(line).Append('\n');
        return text.Append("COMMIT\n").ToString();
    }

    /// <summary>
    /// Null when <paramref name="now"/> has dockerfw's chain as <paramref name="before"/> had it and as
    /// many jumps to it as before, and FORWARD's jump to DOCKER-USER no longer where a plan moved it
    /// (<paramref name="moved"/>); otherwise what still differs.
    /// </summary>
    public static string? Differs(Ruleset before, Ruleset now, ForwardJump? moved = null)
    {
        var own = OwnDiffers(before, now);
        if (moved?.StillMoved(now) != true) return own;
        var jump = $"{ForwardJump.Forward}'s jump to {PolicyPlanner.DockerUser} is ahead of the rule it followed (rule {moved.Position - 1} before the plan)";
        return own is null ? jump : $"{own}, and {jump}";
    }

    private static string? OwnDiffers(Ruleset before, Ruleset now)
    {
        var (kept, current) = (OwnRules(before), OwnRules(now));
        var chainDiffers = kept is null ? current is not null : current is null || !kept.SequenceEqual(current);
        var jumps = Jumps(now) - Jumps(before);
        var jumpWords = jumps > 0 ? $"{jumps} more" : $"{-jumps} fewer";
        return (chainDiffers, jumps != 0) switch
        {
            (false, false) => null,
            (true, false) => $"{PolicyPlanner.Chain} is not as it was",
            (false, true) => $"{PolicyPlanner.DockerUser} has {jumpWords} jump(s) to {PolicyPlanner.Chain} than before",
            _ => $"{PolicyPlanner.Chain} is not as it was and {PolicyPlanner.DockerUser} has {jumpWords} jump(s) to it than before",
        };
    }

    private static List<string>? OwnRules(Ruleset ruleset) =>
        ruleset["filter"]?[PolicyPlanner.Chain]?.Rules.Select(r => IptablesSaveWriter.FormatRule(r)).ToList();

    private static int Jumps(Ruleset ruleset) =>
        ruleset["filter"]?[PolicyPlanner.DockerUser]?.Rules.Count(r => IptablesSaveWriter.FormatRule(r) == JumpText) ?? 0;
}
