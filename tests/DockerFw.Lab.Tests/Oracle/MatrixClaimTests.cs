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
    public void An_opening_only_flow_carries_a_probe_of_one_exchange_but_no_tcp_probe_that_sends_data()
    {
        // Oracle F38: the opening and its replies pass, the request's later packets die.
        const string Partial = """{"from":"a","to":"b","verdict":"partial","flows":[{"protocol":"tcp","ports":null,"destinations":null,"kind":"opening-only","possible":false},{"protocol":"udp","ports":null,"destinations":null,"kind":"opening-only","possible":false}]}""";
        var udp = AtoB with { Probe = AtoB.Probe with { Transport = Transport.Udp } };
        var unused = AtoB with { Probe = AtoB.Probe with { Port = 64999, Listening = false }, Outcome = Outcome.Refused };
        Assert.Contains(new ClaimChecker(Audit(Partial), [AtoB]).Check(), d => d.Class == "network-matrix/partial-reached-outside-flows");
        Assert.DoesNotContain(new ClaimChecker(Audit(Partial), [AtoB with { Outcome = Outcome.Silent }, udp, unused]).Check(), d => d.Class.StartsWith("network-matrix/", StringComparison.Ordinal));
        Assert.Contains(new ClaimChecker(Audit(Partial), [udp with { Outcome = Outcome.Silent }]).Check(), d => d.Class == "network-matrix/partial-flow-blocked");
    }

    // The container matrix holds IPv6 pairs too (two containers of a dual-stack network, which must
    // find each other's link first: oracle F26); each is claimed against the probes between its two addresses.
    private static JsonElement WithContainers(string verdict) => JsonDocument.Parse($$"""
        {"networks":[{"name":"n2","subnets":["172.30.12.0/24","fd00:d0c:12::/64"],"icc":null,"icc_v6":null}],
         "reachability":{"networks":["n2"],"unlisted":"denied","pairs":[]}, "reachability_v6":null,
         "containers_reachability":[{"from":"c4","from_network":"n2","from_address":"fd00:d0c:12::2","to":"c6","to_network":"n2","to_address":"fd00:d0c:12::3",
           "verdict":"{{verdict}}","flows":[],"reply_way":null}],
         "links":[], "published_ports":[], "published_ports_v6":[], "findings":[]}
        """).RootElement;

    private static readonly ProbeResult C4toC6Over6 =
        new(new Probe("c4", "", IPAddress.Parse("fd00:d0c:12::2"), IPAddress.Parse("fd00:d0c:12::3"), Transport.Tcp, 2645, true), Outcome.Silent, 40000);

    [Fact]
    public void An_ipv6_pair_of_the_container_matrix_is_claimed_against_the_probes_between_its_addresses()
    {
        Assert.Contains(new ClaimChecker(WithContainers("allowed"), [C4toC6Over6]).Check(), d => d.Class == "container-matrix/allowed-but-blocked");
        Assert.DoesNotContain(new ClaimChecker(WithContainers("denied"), [C4toC6Over6]).Check(), d => d.Class.StartsWith("container-matrix/", StringComparison.Ordinal));
        Assert.Contains(new ClaimChecker(WithContainers("denied"), [C4toC6Over6 with { Outcome = Outcome.Echoed }]).Check(), d => d.Class == "container-matrix/denied-but-reached");
    }

    [Fact]
    public void Every_ordered_pair_of_the_networks_is_an_entry()
    {
        var entries = MatrixJson.Entries(Audit("").GetProperty("reachability")).ToList();
        Assert.Equal(["a->b denied", "b->a denied"], entries.Select(e => $"{e.GetProperty("from").GetString()}->{e.GetProperty("to").GetString()} {e.GetProperty("verdict").GetString()}"));
    }
}
