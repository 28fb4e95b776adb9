namespace DockerFw.Core.Audit;

/// <summary>
/// A rule that decided a finding, located as a person would look it up: table, chain, 1-based rule
/// number and the line of the dump, with the rule's text. <see cref="Role"/> says what it did
/// ("accepts", "drops", "never reached", ...).
/// </summary>
public sealed record Evidence(string Table, string Chain, int Rule, int Line, string Text, string Role)
{
    /// <summary>The family of the ruleset the rule is in: which dump its line points into.</summary>
    public Model.Values.IpFamily Family { get; init; } = Model.Values.IpFamily.V4;

    /// <summary>
    /// Whether the rule is in the other iptables back end's dump, which names its tables by its tool
    /// (<c>iptables-legacy filter</c>: <see cref="Model.Table.QualifiedName"/>).
    /// </summary>
    public bool OtherBackend => Table.StartsWith("iptables-", StringComparison.Ordinal) || Table.StartsWith("ip6tables-", StringComparison.Ordinal);
}
