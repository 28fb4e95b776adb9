using System.Collections.Immutable;
using DockerFw.Core.Model;

namespace DockerFw.Core.Remediation;

/// <summary>
/// What applying a policy does: the rules of dockerfw's chain, the iptables-restore <c>--noflush</c>
/// input that installs them, the state before and after, and the unified diff between the two.
/// </summary>
public sealed record PolicyPlan(
    Ruleset Before,
    Ruleset After,
    ImmutableArray<string> Rules,
    bool AddsJump,
    string RestoreInput,
    string Diff)
{
    /// <summary>The host already runs exactly this plan: applying it again changes nothing.</summary>
    public bool ChangesNothing => Diff.Length == 0;
}
