using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Syntax.NftJson;

namespace DockerFw.Tests.Syntax;

/// <summary>
/// A condition only nft can express (a set of addresses) must never vanish on its way out: the model
/// keeps it out of the core block, the writer refuses to turn it into iptables-restore input, and a
/// rule shown to people (evidence) still shows it.
/// </summary>
public sealed class NftOnlyConditionTests
{
    // ip daddr != 172.17.0.0/16 ip saddr @s drop, with set s = { 192.0.2.1, 10.0.0.0/8 }
    private const string Json =
        "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"json_schema_version\": 1}}, " +
        "{\"table\": {\"family\": \"ip\", \"name\": \"t\", \"handle\": 1}}, " +
        "{\"chain\": {\"family\": \"ip\", \"table\": \"t\", \"name\": \"c\", \"handle\": 1}}, " +
        "{\"set\": {\"family\": \"ip\", \"name\": \"s\", \"table\": \"t\", \"type\": \"ipv4_addr\", \"handle\": 2, \"flags\": [\"interval\"], " +
        "\"elem\": [\"192.0.2.1\", {\"prefix\": {\"addr\": \"10.0.0.0\", \"len\": 8}}]}}, " +
        "{\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 9, \"expr\": [" +
        "{\"match\": {\"op\": \"!=\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"daddr\"}}, \"right\": {\"prefix\": {\"addr\": \"172.17.0.0\", \"len\": 16}}}}, " +
        "{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"saddr\"}}, \"right\": \"@s\"}}, {\"drop\": null}]}}]}";

    private static Ruleset Read() => NftJsonReader.Read(Json, "set.json").Value!;

    [Fact]
    public void ACoreBlockRefusesAConditionThatNeedsAModule()
    {
        var state = new ConntrackStateMatch(ConntrackStates.New, false);

        var refused = Assert.Throws<ArgumentException>(() => new MatchBlock(null, [state]));
        Assert.Contains("core block holds core options", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AModuleBlockRefusesACoreOption()
    {
        var protocol = new ProtocolMatch(Protocol.FromNumber(Protocol.Tcp), false);

        Assert.Throws<ArgumentException>(() => new MatchBlock("tcp", [protocol]));
    }

    [Fact]
    public void TheNftReaderPutsAnAddressSetInTheNftOnlyBlockAndTheAddressInTheCoreBlock()
    {
        var rule = Read().Rules.Single();

        Assert.IsType<AddressMatch>(Assert.Single(rule.Blocks.Single(b => b.IsCore).Matches));
        var nftOnly = rule.Blocks.Single(b => !b.HasIptablesForm);
        Assert.Equal(MatchBlock.NftOnly, nftOnly.Module);
        Assert.Equal("s", Assert.IsType<AddressSetMatch>(Assert.Single(nftOnly.Matches)).SetName);
    }

    [Fact]
    public void WritingARulesetWithAnAddressSetAsRestoreInputIsRefusedNamingTheRule()
    {
        var ruleset = Read();

        var problem = Assert.Single(IptablesSaveWriter.Unrestorable(ruleset));
        Assert.Equal(
            "set.json:1:" + problem.Span.Column + ": error: rule 1 of chain 'c' cannot be written as iptables-restore input: " +
            "'saddr @s' has no iptables form (only nft can express it) [DFW130]",
            problem.Render());
        var refused = Assert.Throws<ArgumentException>(() => IptablesSaveWriter.Write(ruleset));
        Assert.Contains(problem.Render(), refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOpaqueNftExpressionIsRefusedToo()
    {
        var json = Json.Replace("\"field\": \"saddr\"}}, \"right\": \"@s\"", "\"field\": \"id\"}}, \"right\": 7", StringComparison.Ordinal);

        var problem = Assert.Single(IptablesSaveWriter.Unrestorable(NftJsonReader.Read(json, "id.json").Value!));

        Assert.StartsWith("rule 1 of chain 'c' cannot be written as iptables-restore input: 'match {\"match\"", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARuleShownToPeopleKeepsItsAddressSet()
    {
        Assert.Equal("-A c ! -d 172.17.0.0/16 -m nft saddr @s -j DROP", IptablesSaveWriter.FormatRule(Read().Rules.Single()));
    }

    [Fact]
    public void ARulesetReadFromIptablesSaveHasNothingTheWriterRefuses()
    {
        var dump = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 10.0.0.0/8 -m set --match-set s src -m conntrack --ctstate NEW -j DROP\nCOMMIT\n";

        Assert.Empty(IptablesSaveWriter.Unrestorable(IptablesSaveReader.Read(dump, "d").Value!));
    }
}
