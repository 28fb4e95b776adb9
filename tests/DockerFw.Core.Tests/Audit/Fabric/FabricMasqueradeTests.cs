using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Checks;
using DockerFw.Core.Docker;

namespace DockerFw.Tests.Audit.Fabric;

/// <summary>
/// A fabric masquerades its own pool in its own nat chain (flannel's FLANNEL-POSTRTG, weave's WEAVE):
/// those sources belong to no Docker network by design, so the rule is the fabric's, not a leftover
/// (DFW404). A NAT rule of no fabric on the same host is still one.
/// </summary>
public sealed class FabricMasqueradeTests
{
    private const string Vpn = "-A POSTROUTING -s 10.8.0.0/24 -o eth0 -j MASQUERADE";

    public static TheoryData<string> Fabrics() => ["flannel-v0.25", "flannel-v0.11", "weave-2.8", "weave-2.8-npc"];

    private static DockerView View(string dump) => dump.StartsWith("flannel", StringComparison.Ordinal) ? FabricHost.Flannel() : FabricHost.Weave();

    private static List<Finding> Unowned(string dump, DockerView view) =>
        [.. new MasqueradeCheck().Run(FabricHost.Context(dump, view)).Where(f => f.Code.Code == "DFW404")];

    [Theory]
    [MemberData(nameof(Fabrics))]
    public void A_fabric_s_masquerade_of_its_own_pool_is_not_reported_as_nat_of_an_unknown_subnet(string fabric)
    {
        Assert.Empty(Unowned(FabricHost.Dump(fabric), View(fabric)));
    }

    [Theory]
    [MemberData(nameof(Fabrics))]
    public void A_nat_rule_of_no_fabric_beside_it_still_is(string fabric)
    {
        var withVpn = Insert(FabricHost.Dump(fabric), Vpn);

        var finding = Assert.Single(Unowned(withVpn, View(fabric)));
        Assert.Equal(Vpn, Assert.Single(finding.Evidence).Text);
        Assert.Contains("10.8.0.0/24", finding.Message, StringComparison.Ordinal);
    }

    /// <summary>The rule first in nat POSTROUTING: after the table's chain declarations.</summary>
    private static string Insert(string dump, string rule)
    {
        var lines = dump.Split('\n').ToList();
        var nat = lines.IndexOf("*nat");
        var at = lines.FindIndex(nat, l => l.StartsWith("-A ", StringComparison.Ordinal) || l == "COMMIT");
        lines.Insert(at, rule);
        return string.Join('\n', lines);
    }
}
