namespace DockerFw.Core.Audit;

/// <summary>
/// A rule that decided a finding, located as a person would look it up: table, chain, 1-based rule
/// number and the line of the dump, with the rule's text. <see cref="Role"/> says what it did
/// ("accepts", "drops", "never reached", ...). Where the host's routing decided before any rule, the
/// evidence is a route instead (<see cref="Route"/>, made by <see cref="Of(RouteEvidence, string, Model.Values.IpFamily)"/>).
/// </summary>
public sealed record Evidence(string Table, string Chain, int Rule, int Line, string Text, string Role)
{
    /// <summary>The family of the ruleset the rule is in: which dump its line points into.</summary>
    public Model.Values.IpFamily Family { get; init; } = Model.Values.IpFamily.V4;

    /// <summary>
    /// Whether the rule is in the other iptables back end's dump, which names its tables by its tool
    /// (<c>iptables-legacy filter</c>: <see cref="Model.Table.QualifiedName"/>).
    /// </summary>
    public bool OtherBackend => Model.Table.NamesOtherBackend(Table);

    /// <summary>
    /// Whether the rule is in a native nft table (<c>inet guard</c>, <c>ip docker-bridges</c>: family and
    /// name), whose line is in the nft listing, not in an iptables dump.
    /// </summary>
    public bool Native => Route is null && Model.Table.NamesNative(Table);

    /// <summary>The route this evidence is, when routing decided and no rule did; null for a rule (and a chain's policy).</summary>
    public RouteEvidence? Route { get; init; }

    /// <summary>A route as evidence: no table, chain or line, its text in <c>ip route</c>'s words.</summary>
    public static Evidence Of(RouteEvidence route, string role, Model.Values.IpFamily family) =>
        new("", "", 0, 0, route.Text, role) { Route = route, Family = family };
}
