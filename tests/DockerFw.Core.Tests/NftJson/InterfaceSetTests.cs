using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Tests;

namespace DockerFw.Core.Tests.NftJson;

/// <summary>
/// <c>iifname</c>/<c>oifname</c> against a set of interface names (named <c>@bridges</c> or anonymous):
/// never read as one interface literally named after the set.
/// </summary>
public sealed class InterfaceSetTests
{
    private static readonly Table DockerBridges =
        NftJsonReader.Read(File.ReadAllText(Corpus.PathOf("nft", "docker-like.ruleset.json")), "docker-like.json").Value!
            .Tables.Single(t => t.Family == "ip" && t.Name == "docker-bridges");

    private static Rule RuleWithHandle(long handle) => DockerBridges.Rules.Single(r => r.Handle == handle);

    [Fact]
    public void A_name_outside_a_set_is_a_negated_condition_per_member_all_holding()
    {
        // handle 18: iifname == @bridges, oifname != @bridges accept ("OUTGOING")
        var outgoing = RuleWithHandle(18).Matches.OfType<InterfaceMatch>().Where(m => m.Direction == Direction.Out).ToList();

        Assert.Equal(["docker0", "br-a1b2c3d4e5f6"], outgoing.Select(m => m.Value.Text));
        Assert.All(outgoing, m => Assert.True(m.Negated));
    }

    [Fact]
    public void A_name_inside_a_set_of_several_is_one_of_the_members_never_an_interface_named_after_the_set()
    {
        // handle 23: iifname == @bridges drop ("isolation between bridges")
        var rule = RuleWithHandle(23);

        Assert.DoesNotContain(rule.Matches.OfType<InterfaceMatch>(), m => m.Value.Text.StartsWith('@'));
        var set = Assert.Single(rule.Matches.OfType<InterfaceSetMatch>());
        Assert.Equal(Direction.In, set.Direction);
        Assert.True(set.Members.Length > 1);
        Assert.DoesNotContain(rule.Matches, m => m is OpaqueMatch);
    }

    [Fact]
    public void An_anonymous_set_of_one_name_is_that_interface()
    {
        const string json = "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"json_schema_version\": 1}}, " +
            "{\"table\": {\"family\": \"ip\", \"name\": \"t\", \"handle\": 1}}, " +
            "{\"chain\": {\"family\": \"ip\", \"table\": \"t\", \"name\": \"c\", \"handle\": 1}}, " +
            "{\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 9, \"expr\": [" +
            "{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"iifname\"}}, \"right\": {\"set\": [\"docker0\"]}}}, {\"accept\": null}]}}]}";

        var rule = NftJsonReader.Read(json, "one.json").Value!.Tables.Single().Rules.Single();

        var only = Assert.Single(rule.Matches.OfType<InterfaceMatch>());
        Assert.Equal(("docker0", false), (only.Value.Text, only.Negated));
    }
}
