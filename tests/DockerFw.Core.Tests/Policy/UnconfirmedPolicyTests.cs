using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Policy.Judging;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests.Audit;

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
    private static readonly string LabHost = File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", "iptables-save"));

    private static readonly string Frontend = PolicyResolverTests.LabHost.NetworkByName("frontend")!.Bridge!;

    private static readonly ResolvedPolicy Policy =
        PolicyResolver.Resolve(PolicyReader.Read("allow frontend -> backend", "p.policy").Value!, PolicyResolverTests.LabHost).Value!;

    // frontend without masquerade: web's request reaches api with web's own address, so api answers it by its own route.
    private static Ruleset After(string dockerUser)
    {
        var unmasqueraded = AuditFixture.Read(LabHost.Replace($"-A POSTROUTING -s 172.30.1.0/24 ! -o {Frontend} -j MASQUERADE\n", "", StringComparison.Ordinal));
        var plan = PolicyPlanner.Plan(unmasqueraded, Policy);
        Assert.True(plan.Value is not null, string.Join('\n', plan.Diagnostics.Select(d => d.Render())));
        var text = IptablesSaveWriter.Write(plan.Value!.After, includeCounters: false);
        return AuditFixture.Read(text.Replace("-A DOCKER-USER -j DOCKERFW-POLICY", $"{dockerUser}\n-A DOCKER-USER -j DOCKERFW-POLICY", StringComparison.Ordinal));
    }

    private static List<PairVerdict> WebToApi(Ruleset rules, bool unfiltered) =>
        [.. PairJudge.Judge(PolicyView.Proving(rules, Policy) with { SwitchesUnfiltered = bridge => unfiltered && bridge == Frontend }, Policy).Verdicts
            .Where(v => (v.From.Container.Name, v.From.Network.Name, v.To.Container.Name, v.To.Network.Name) == ("web", "frontend", "api", "backend"))];

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
