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

    // F8 and F10 were fixed (2f76e41, f75b46f, 59a9abf). F27 came with the sixth stream (real ufw on
    // the host, docs/oracle-findings.md), with F25 and F26, fixed since.
    public static readonly IReadOnlyList<KnownWrongAnswer> All =
    [
        new("F27", "reach/maybe", TamperKinds.UfwDockerRecipe,
            "the recipe drops TCP by --tcp-flags FIN,SYN,RST,ACK SYN: TCP flags are not a dimension of reach",
            (_, d) => d.Claim.Contains("ufw-docker-logging-deny", StringComparison.Ordinal)),
    ];

    public static KnownWrongAnswer? For(Disagreement d, ScenarioSpec spec) => All.FirstOrDefault(k => k.Explains(d, spec));
}
