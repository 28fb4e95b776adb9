namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// A wrong answer already filed and being fixed: a class of disagreement (prefix of <see cref="Disagreement.Class"/>)
/// in scenarios with a given tamper. The CI seeds report these as known instead of failing; any other
/// disagreement fails. Remove an entry when its fix lands: the seeds then guard it.
/// </summary>
public sealed record KnownWrongAnswer(string Issue, string ClassPrefix, string? TamperKind, string Why, Func<ScenarioSpec, Disagreement, bool>? When = null)
{
    public bool Explains(Disagreement d, ScenarioSpec spec) =>
        d.Class.StartsWith(ClassPrefix, StringComparison.Ordinal) && (TamperKind is null || spec.Tampers.Any(t => t.Kind == TamperKind))
        && (When is null || When(spec, d));

    public static readonly IReadOnlyList<KnownWrongAnswer> All =
    [
        new("oracle F8", "finding-v6/DFW201-202-missing", null,
            "Docker without ip6tables filters no IPv6: the audit has no IPv6 matrix or finding while dual-stack networks reach each other"),
        new("oracle F10", "container-matrix/partial-flow-blocked", null,
            "a multi-homed server's answer leaves through its other network (asymmetric route): not modelled",
            (s, d) => s.Containers.Any(c => c.Connected.Count > 0 && d.Claim.Contains($"-> {c.Name} (", StringComparison.Ordinal))),
    ];

    public static KnownWrongAnswer? For(Disagreement d, ScenarioSpec spec) => All.FirstOrDefault(k => k.Explains(d, spec));
}
