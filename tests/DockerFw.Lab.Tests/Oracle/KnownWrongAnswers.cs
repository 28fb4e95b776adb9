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

    // Empty since F8 (2f76e41) and F10 (f75b46f, 59a9abf) were fixed: the 200-seed soak of 2026-12-05
    // met neither, and every disagreement fails again.
    public static readonly IReadOnlyList<KnownWrongAnswer> All = [];

    public static KnownWrongAnswer? For(Disagreement d, ScenarioSpec spec) => All.FirstOrDefault(k => k.Explains(d, spec));
}
