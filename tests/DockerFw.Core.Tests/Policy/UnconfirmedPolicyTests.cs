using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy.Judging;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Tests.Policy;

/// <summary>
/// Oracle F46 in the policy's judge, as in the audit's matrices: on samples/lab-host api is on backend
/// and frontend, so it answers web (frontend) from its frontend endpoint, switched on frontend's bridge.
/// With that bridge switching without iptables (bridge-nf-call-iptables 0) the host's conntrack never
/// sees the reply: web's connection to api's backend address stays unreplied, its later packets are
/// INVALID for TCP, and a <c>ct state invalid drop</c> lets the SYN through and nothing after.
/// </summary>
public sealed class UnconfirmedPolicyTests
{
    private static readonly string Frontend = LabHostPlan.Frontend;

    // frontend without masquerade: web's request reaches api with web's own address, so api answers it by its own route.
    private static Ruleset After(string dockerUser) =>
        LabHostPlan.After(dockerUser, LabHostPlan.Dump.Replace($"-A POSTROUTING -s 172.30.1.0/24 ! -o {Frontend} -j MASQUERADE\n", "", StringComparison.Ordinal));

    private static List<PairVerdict> WebToApi(Ruleset rules, bool unfiltered) =>
        LabHostPlan.WebToApi(rules, view => view with { SwitchesUnfiltered = bridge => unfiltered && bridge == Frontend });

    private static IntervalSet Protocols(IEnumerable<PairVerdict> verdicts) =>
        verdicts.SelectMany(v => v.Packets.Boxes).Aggregate(IntervalSet.Empty, (s, b) => s.Union(b[Dimension.Proto]));

    [Fact]
    public void An_invalid_drop_makes_web_to_api_tcp_opening_only_when_the_replies_are_switched_past_conntrack()
    {
        var verdicts = WebToApi(After("-A DOCKER-USER -m conntrack --ctstate INVALID -j DROP"), unfiltered: true);

        Assert.Equal(IntervalSet.Single(Protocol.Tcp), Protocols(verdicts.Where(v => v.Actual == Reachability.OpeningOnly)));
        // DCCP's and SCTP's trackers may find the later packets INVALID too: unsure, not called either way.
        Assert.Equal(IntervalSet.Single(33).Union(IntervalSet.Single(Protocol.Sctp)), Protocols(verdicts.Where(v => v.Actual is null)));
        Assert.All(verdicts, v => Assert.Equal(Reachability.Reachable, v.Expected));
    }

    [Fact]
    public void The_same_rules_with_the_bridge_filtered_leave_web_to_api_reachable()
    {
        // br_netfilter hands the switched reply to conntrack: the later packets are ESTABLISHED.
        Assert.Empty(WebToApi(After("-A DOCKER-USER -m conntrack --ctstate INVALID -j DROP"), unfiltered: false));
    }

    [Fact]
    public void Replies_no_rule_sees_are_not_judged_by_the_rules_of_the_bridge_they_are_switched_on()
    {
        // A drop inside frontend would kill the replies were they filtered; switched without iptables they pass.
        var rules = After($"-A DOCKER-USER -i {Frontend} -o {Frontend} -j DROP");

        Assert.Contains(WebToApi(rules, unfiltered: false), v => v is { Actual: Reachability.OneWay, Reply: true });
        Assert.Empty(WebToApi(rules, unfiltered: true));
    }
}
