using static DockerFw.Lab.Tests.Oracle.TamperKinds;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// A wrong answer already filed and being fixed: a class of disagreement (prefix of <see cref="Disagreement.Class"/>)
/// in scenarios with a given tamper. The CI seeds report these as known instead of failing; any other
/// disagreement fails. Remove an entry when its fix lands: the seeds then guard it.
/// </summary>
public sealed record KnownWrongAnswer(string Issue, string ClassPrefix, string? TamperKind, string Why)
{
    public bool Explains(Disagreement d, ScenarioSpec spec) =>
        d.Class.StartsWith(ClassPrefix, StringComparison.Ordinal) && (TamperKind is null || spec.Tampers.Any(t => t.Kind == TamperKind));

    public static readonly IReadOnlyList<KnownWrongAnswer> All =
    [
        new("issue 11 item 1", "", NftDebianStock, "a native inet filter table hides iptables' filter table"),
        new("issue 11 item 1", "", Ip6FilterLeftover, "an empty ip6 filter table hides ip6tables' rules"),
        new("issue 11 item 2", "icc/true-but-partly-blocked", null, "icc is a sampled boolean, not partial"),
        new("issue 11 item 2", "icc/false-but-partly-reached", null, "icc is a sampled boolean, not partial"),
        new("issue 11 item 2", "icc_v6/true-but-partly-blocked", null, "icc is a sampled boolean, not partial"),
        new("issue 11 item 2", "icc_v6/false-but-partly-reached", null, "icc is a sampled boolean, not partial"),
        new("issue 11 item 6", "published_ports", IpForwardOff, "ip_forward=0 is not applied to published-port facts"),
        new("issue 11 item 6", "masquerade/true-but-no-way-out", IpForwardOff, "ip_forward=0 is not applied to the way out"),
        new("issue 11 item 6", "network-matrix/allowed-but-blocked", IpForwardOff, "ip_forward=0 is not applied to routed traffic between bridges"),
        new("issue 11 item 6", "container-matrix/allowed-but-blocked", IpForwardOff, "ip_forward=0 is not applied to routed traffic between bridges"),
    ];

    public static KnownWrongAnswer? For(Disagreement d, ScenarioSpec spec) => All.FirstOrDefault(k => k.Explains(d, spec));
}
