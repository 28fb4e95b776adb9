using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.NftJson;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// Beside nft tables the nat table and the filter alone are compiled apart, each with its own
/// alphabet of interfaces; every published port (its bypass of INPUT) and every network's replies
/// (their NAT) ask boxes of the audit's space there. The translation between a pair of spaces is
/// built once per audit, not once per question.
/// </summary>
public sealed class InterfaceTranslationCacheTests
{
    [Fact]
    public void One_translation_serves_every_question_between_the_same_two_spaces()
    {
        // An admin's nft table beside Docker's iptables rules: nat and the filter are compiled apart.
        var nft = """
            {"nftables": [{"table": {"family": "inet", "name": "admin", "handle": 1}},
             {"chain": {"family": "inet", "table": "admin", "name": "fwd", "handle": 1, "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}},
             {"rule": {"family": "inet", "table": "admin", "chain": "fwd", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "aa0"}}, {"drop": null}]}}]}
            """;
        var read = NftJsonReader.Read(nft, "admin.json");
        Assert.Empty(read.Diagnostics);
        var rules = HostRuleset.Merge(Read(new DockerHost().ToString()), read.Value!);
        var passes = new SymbolicPasses(new AuditInputs(new AuditContext(rules, Ruleset.Empty(IpFamily.V6), EngineView.TwoBridges(), HostSettings.Unknown)));

        var (nat, filter) = (passes.NatOfContainers.Space, passes.WithoutNat.Space);
        var first = passes.Translation(passes.Space, nat);

        Assert.NotSame(passes.Space, nat);
        Assert.Same(first, passes.Translation(passes.Space, nat));
        Assert.NotSame(first, passes.Translation(passes.Space, filter));
        Assert.Same(passes.Translation(passes.Space, filter), passes.Translation(passes.Space, filter));
    }
}
