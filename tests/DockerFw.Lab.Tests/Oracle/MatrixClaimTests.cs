using System.Net;
using System.Text.Json;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The network matrix of schema v2 lists only the pairs that are not denied: every unlisted pair of
/// its networks is a claim (denied) that the oracle still checks against the traffic.
/// </summary>
public sealed class MatrixClaimTests
{
    private static JsonElement Audit(string pairs) => JsonDocument.Parse($$"""
        {"networks":[{"name":"a","subnets":["10.1.0.0/24"],"icc":null,"icc_v6":null},{"name":"b","subnets":["10.2.0.0/24"],"icc":null,"icc_v6":null}],
         "reachability":{"networks":["a","b"],"unlisted":"denied","pairs":[{{pairs}}]}, "reachability_v6":null, "containers_reachability":null,
         "links":[], "published_ports":[], "published_ports_v6":[], "findings":[]}
        """).RootElement;

    private static readonly ProbeResult AtoB =
        new(new Probe("c0", "", IPAddress.Parse("10.1.0.2"), IPAddress.Parse("10.2.0.2"), Transport.Tcp, 80, true), Outcome.Echoed, 40000);

    [Fact]
    public void An_unlisted_pair_is_claimed_denied_and_a_connection_through_it_disagrees()
    {
        Assert.Contains(new ClaimChecker(Audit(""), [AtoB]).Check(), d => d.Class == "network-matrix/denied-but-reached");
        Assert.DoesNotContain(new ClaimChecker(Audit(""), [AtoB with { Outcome = Outcome.Silent }]).Check(), d => d.Class.StartsWith("network-matrix/", StringComparison.Ordinal));
    }

    [Fact]
    public void A_listed_pair_is_claimed_as_listed()
    {
        const string Allowed = """{"from":"a","to":"b","verdict":"allowed","flows":[{"protocol":"all","ports":null,"destinations":null,"kind":"connection","possible":false}]}""";
        Assert.DoesNotContain(new ClaimChecker(Audit(Allowed), [AtoB]).Check(), d => d.Class.StartsWith("network-matrix/", StringComparison.Ordinal));
        Assert.Contains(new ClaimChecker(Audit(Allowed), [AtoB with { Outcome = Outcome.Silent }]).Check(), d => d.Class == "network-matrix/allowed-but-blocked");
    }

    [Fact]
    public void Every_ordered_pair_of_the_networks_is_an_entry()
    {
        var entries = MatrixJson.Entries(Audit("").GetProperty("reachability")).ToList();
        Assert.Equal(["a->b denied", "b->a denied"], entries.Select(e => $"{e.GetProperty("from").GetString()}->{e.GetProperty("to").GetString()} {e.GetProperty("verdict").GetString()}"));
    }
}
