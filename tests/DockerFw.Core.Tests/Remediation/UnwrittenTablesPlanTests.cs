using DockerFw.Core.Audit;
using DockerFw.Core.Host;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Tests.Policy;

namespace DockerFw.Tests.Remediation;

/// <summary>
/// The plan's proof judges the after-state with the host's tables the plan does not write: native nft
/// tables (firewalld's <c>inet firewalld</c>) and the other iptables back end's, which the kernel runs
/// beside iptables' for every packet, as <c>audit --policy</c> judges them. Proved on iptables-save's
/// tables alone, the plan was proved on a sample of the host.
/// </summary>
public sealed class UnwrittenTablesPlanTests
{
    private static readonly Ruleset LabHost = IptablesSaveReader.Read(
        File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", "iptables-save")), "iptables-save", IpFamily.V4).Value!;

    // A native table beside iptables' (as firewalld's is): its forward chain drops what comes in on
    // eth0 for web's port after Docker's DNAT (tcp/80), and tcp/5432 from backend's bridge.
    private const string Guard = """
        {"nftables": [{"table": {"family": "inet", "name": "guard", "handle": 1}},
         {"chain": {"family": "inet", "table": "guard", "name": "forward", "handle": 1, "type": "filter", "hook": "forward", "prio": 10, "policy": "accept"}},
         {"rule": {"family": "inet", "table": "guard", "chain": "forward", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "eth0"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 80}}, {"drop": null}]}},
         {"rule": {"family": "inet", "table": "guard", "chain": "forward", "handle": 3, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "br-9c93ba76092b"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 5432}}, {"drop": null}]}}]}
        """;

    // iptables-legacy's rules on the same host (iptables-save above is iptables-nft's): a packet must pass both.
    private const string Legacy = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        -A FORWARD -p tcp -m tcp --dport 5432 -j DROP
        COMMIT
        """;

    [Fact]
    public void A_native_table_that_drops_a_published_port_s_allowed_clients_on_the_uplink_refuses_the_plan()
    {
        var policy = Resolve("publish web tcp/8080 from 192.0.2.0/24");

        var alone = PolicyPlanner.Plan(LabHost, policy);
        var whole = PolicyPlanner.Plan(LabHost, policy with { Unwritten = UnwrittenTables.Of(Host(native: Guard)) });

        Assert.NotNull(alone.Value);
        Assert.Null(whole.Value);
        Assert.Equal(
            "p.policy:1:1: error: expected the host to satisfy the policy after the plan, but tcp/8080 on any address of the host from 192.0.2.0-192.0.2.255 via eth0 does not reach 'web' (172.30.1.2:80), but the policy says it does (decided by inet guard/forward#1 (line 3, handle 2): -A forward -i eth0 -p tcp -m tcp --dport 80 -j DROP) [DFW831]",
            Assert.Single(whole.Diagnostics).Render());
    }

    [Fact]
    public void A_native_table_that_drops_an_allowed_pair_refuses_the_plan_naming_its_rule()
    {
        var policy = Resolve("network backend { icc off; allow api -> db tcp/5432 }");

        var alone = PolicyPlanner.Plan(LabHost, policy);
        var whole = PolicyPlanner.Plan(LabHost, policy with { Unwritten = UnwrittenTables.Of(Host(native: Guard)) });

        Assert.NotNull(alone.Value);
        Assert.Null(whole.Value);
        Assert.EndsWith(
            "'api' on 'backend' -> 'db' on 'backend' tcp/5432 is blocked, not reachable (decided by inet guard/forward#2 (line 4, handle 3): -A forward -i br-9c93ba76092b -p tcp -m tcp --dport 5432 -j DROP) [DFW831]",
            Assert.Single(whole.Diagnostics).Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_other_back_end_s_drop_of_an_allowed_pair_refuses_the_plan_naming_its_rule()
    {
        var policy = Resolve("network backend { icc off; allow api -> db tcp/5432 }");
        var legacy = IptablesSaveReader.Read(Legacy, "iptables-legacy-save", IpFamily.V4).Value!;

        var whole = PolicyPlanner.Plan(LabHost, policy with { Unwritten = UnwrittenTables.Of(Host(native: null) with { OtherBackends = [legacy] }) });

        Assert.Null(whole.Value);
        Assert.Contains(whole.Diagnostics, d => d.Message.Contains("'api' on 'backend' -> 'db' on 'backend' tcp/5432 is blocked, not reachable (decided by ", StringComparison.Ordinal)
            && d.Message.Contains(": -A FORWARD -p tcp -m tcp --dport 5432 -j DROP)", StringComparison.Ordinal));
    }

    [Fact]
    public void Tables_the_plan_does_not_write_are_those_loaded_beside_iptables_and_a_policy_they_do_not_touch_still_plans()
    {
        var unwritten = UnwrittenTables.Of(Host(native: Guard));

        Assert.Equal(["inet guard"], unwritten.Where(r => r.Family == IpFamily.V4).SelectMany(r => r.Tables).Select(t => $"{t.Family} {t.Name}"));
        Assert.Empty(UnwrittenTables.Of(Host(native: null)));
        Assert.NotNull(PolicyPlanner.Plan(LabHost, Resolve("network frontend { icc off }") with { Unwritten = unwritten }).Value);
    }

    private static LoadedHost Host(string? native) =>
        new([LabHost], native is null ? null : NftJsonReader.Read(native, "nft.json").Value!, PolicyResolverTests.LabHost, DockerViewOrigin.Files, HostSettings.Unknown, [], []);

    private static ResolvedPolicy Resolve(string text) =>
        PolicyResolver.Resolve(PolicyReader.Read(text, "p.policy").Value!, PolicyResolverTests.LabHost).Value!;
}
