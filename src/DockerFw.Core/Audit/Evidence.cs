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
}
