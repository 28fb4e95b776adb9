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

    // F8 and F10 were fixed (2f76e41, f75b46f, 59a9abf); F25, F26 and F27 (the sixth stream, real ufw
    // on the host, docs/oracle-findings.md) too, F26's remainder (seed 563: an IPv6 reply across a
    // bridge the server shares with its client) with the server's own neighbour discovery asked.
    // F28, F29 and F30 came with the seventh stream (firewalld) and are fixed; F38 and F41's published
    // ports (the ninth stream) too.
    public static readonly IReadOnlyList<KnownWrongAnswer> All = [];

    /// <summary>
    /// Not wrong: answers that are uncertain because the host holds a rule no engine can decide from the
    /// rules (a rate, a list the kernel fills from past packets, a packet's length), which the audit
    /// names (DFW607). Only the classes of an uncertain answer (a possible flow, an unknown setting,
    /// reach's MAYBE) are explained by them; a decided answer that the traffic contradicts still fails.
    /// </summary>
    public static readonly IReadOnlyList<KnownWrongAnswer> UncertainByDesign =
    [
        .. new[] { TamperKinds.LimitToPort, TamperKinds.RecentDropOnUplink, TamperKinds.LengthDropToPort }.Select(kind =>
            new KnownWrongAnswer("by design", "", kind, $"uncertain: {kind} depends on what the rules do not hold", (_, d) => Uncertain(d.Class))),
    ];

    public static KnownWrongAnswer? For(Disagreement d, ScenarioSpec spec) =>
        All.FirstOrDefault(k => k.Explains(d, spec)) ?? UncertainByDesign.FirstOrDefault(k => k.Explains(d, spec));

    private static bool Uncertain(string cls) =>
        cls.EndsWith("/possible-flow", StringComparison.Ordinal) || cls.EndsWith("/unknown", StringComparison.Ordinal) || cls == "reach/maybe";
}
