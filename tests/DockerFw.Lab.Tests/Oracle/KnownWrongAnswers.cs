using static DockerFw.Lab.Tests.Oracle.TamperKinds;

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
        new("issue 11 item 2", "icc/true-but-partly-blocked", null, "icc is a sampled boolean, not partial"),
        new("issue 11 item 2", "icc/false-but-partly-reached", null, "icc is a sampled boolean, not partial"),
        new("issue 11 item 2", "icc_v6/true-but-partly-blocked", null, "icc is a sampled boolean, not partial"),
        new("issue 11 item 2", "icc_v6/false-but-partly-reached", null, "icc is a sampled boolean, not partial"),
        new("issue 11 item 3", "container-matrix/partial-flow-blocked", null,
            "a link's reply rule (--sport) reads as the server opening TCP to its client on every port (oracle F2)",
            (s, _) => s.Containers.Any(c => c.Links.Count > 0)),
        new("issue 11 item 2", "published_ports/refuses-but-reached", null,
            "a port published on one host address is judged by a sampled packet that misses its DNAT (oracle F4)",
            (_, d) => d.Claim.Contains($" on {OracleLab.SecondHostAddress} ", StringComparison.Ordinal)),
        new("oracle F6", "reach/overlapping-boxes", null,
            "reach prints a box without its protocol constraint (e.g. {} for the protocols without ports), so it overlaps a box of another verdict"),
        new("oracle F7", "", null,
            "the other iptables back end (legacy) is read but its drops are applied to DFW609's outbound check only",
            (s, d) => !d.Class.StartsWith("reach/", StringComparison.Ordinal) && s.Tampers.Any(t => t.Kind.StartsWith("iptables-legacy-", StringComparison.Ordinal))),
        new("oracle F8", "finding-v6/DFW201-202-missing", null,
            "Docker without ip6tables filters no IPv6: the audit has no IPv6 matrix or finding while dual-stack networks reach each other"),
        new("oracle F10", "container-matrix/partial-flow-blocked", null,
            "a multi-homed server's answer leaves through its other network (asymmetric route): not modelled",
            (s, d) => s.Containers.Any(c => c.Connected.Count > 0 && d.Claim.Contains($"-> {c.Name} (", StringComparison.Ordinal))),
        new("issue 11 item 8", "", NftSetDrop, "nft address sets are not evaluated: MAYBE, possible flows, icc unknown"),
        new("issue 11 item 6", "published_ports", IpForwardOff, "ip_forward=0 is not applied to published-port facts"),
        new("issue 11 item 6", "masquerade/true-but-no-way-out", IpForwardOff, "ip_forward=0 is not applied to the way out"),
        new("issue 11 item 6", "network-matrix/allowed-but-blocked", IpForwardOff, "ip_forward=0 is not applied to routed traffic between bridges"),
        new("issue 11 item 6", "container-matrix/allowed-but-blocked", IpForwardOff, "ip_forward=0 is not applied to routed traffic between bridges"),
    ];

    public static KnownWrongAnswer? For(Disagreement d, ScenarioSpec spec) => All.FirstOrDefault(k => k.Explains(d, spec));
}
