using System.Text.RegularExpressions;
using DockerFw.Lab.Tests.Apply;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The scenario's policy applied with <c>dockerfw apply</c> into the lab namespace (on top of the
/// tampering), the host judged with <c>audit --policy</c> and probed; then partly undone as an admin
/// or a firewall reload would (the jump from DOCKER-USER deleted, or one rule of dockerfw's chain) and
/// judged again. A refused apply is not a disagreement (it says why: the plan's proof, DFW83x); it is
/// counted and reported with its error.
/// </summary>
public static partial class PolicyRound
{
    public sealed record Result(string Note, string Detail, IReadOnlyList<Judged> Phases, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Dumps);

    public static Result Run(BuiltScenario built, PolicySpec policy)
    {
        var folder = Directory.CreateTempSubdirectory("dfw-oracle-policy-");
        try
        {
            var file = Path.Combine(folder.FullName, "oracle.policy");
            File.WriteAllText(file, policy.Text);
            var (exit, output) = PolicyRuns.Apply(built.Lab, file, folder.FullName);
            if (exit != 0)
                return new Result("refused", $"apply exit {exit}: {FirstError(output)}", [], new Dictionary<string, IReadOnlyDictionary<string, string>>());
            var applied = ScenarioRun.Judge(built, "applied", file);
            var undo = Undo(built.Lab, policy);
            var undone = ScenarioRun.Judge(built, "undone", file);
            return new Result("applied", "undone: " + undo, [applied, undone],
                new Dictionary<string, IReadOnlyDictionary<string, string>> { ["applied"] = applied.Dumps, ["undone"] = undone.Dumps });
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string FirstError(string output) =>
        output.Split('\n').FirstOrDefault(l => l.Contains("error:", StringComparison.Ordinal))?.Trim() ?? output.Split('\n')[0].Trim();

    /// <summary>Deletes the jump or one rule (the spec's index modulo the chain's length); returns the rule deleted.</summary>
    private static string Undo(OracleLab lab, PolicySpec policy)
    {
        if (policy.UndoJump)
        {
            var jumps = lab.MustInLab("iptables", "-S", "DOCKER-USER").Split('\n').Where(l => l.StartsWith("-A DOCKER-USER", StringComparison.Ordinal) && l.Contains("-j DOCKERFW-POLICY", StringComparison.Ordinal)).ToList();
            foreach (var line in jumps) lab.MustInLab(["iptables", "-D", .. Words().Split(line[3..].Trim())]);
            return jumps.Count == 0 ? "(no jump to delete)" : string.Join("; ", jumps);
        }

        var rules = lab.MustInLab("iptables", "-S", "DOCKERFW-POLICY").Split('\n').Where(l => l.StartsWith("-A DOCKERFW-POLICY", StringComparison.Ordinal)).ToList();
        if (rules.Count == 0) return "(dockerfw's chain is empty: nothing to delete)";
        var index = policy.UndoRule % rules.Count;
        lab.MustInLab("iptables", "-D", "DOCKERFW-POLICY", (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return rules[index];
    }

    [GeneratedRegex(" +")]
    private static partial Regex Words();
}
