using DockerFw.Core.Model;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Tests.Semantics;

namespace DockerFw.Core.Tests.NftJson;

/// <summary>
/// A host whose one nft rule is under test: an empty iptables FORWARD, and an inet forward chain
/// <c>f</c> holding the expression given, then <c>drop</c>.
/// </summary>
internal static class OneNftRule
{
    public static Ruleset Host(string expr) => HostRuleset.Merge(Dump.Read("*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n"), NftJsonReader.Read(
        """{"nftables": [{"table": {"family": "inet", "name": "t", "handle": 1}}, {"chain": {"family": "inet", "table": "t", "name": "f", "handle": 1, "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}},""" +
        """ {"rule": {"family": "inet", "table": "t", "chain": "f", "handle": 2, "expr": [""" + expr + """, {"drop": null}]}}]}""", "nft.json").Value!);

    /// <summary>The rule of chain <c>f</c> as read.</summary>
    public static Rule Of(Ruleset host) => host.Rules.Single(r => r.Chain == "f");
}
