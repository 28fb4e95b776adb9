using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Tests;

namespace DockerFw.Core.Tests.NftJson;

public sealed class NftJsonReaderTests
{
    private static Ruleset DockerLike() =>
        NftJsonReader.Read(File.ReadAllText(Corpus.PathOf("nft", "docker-like.ruleset.json")), "docker-like.json").Value!;

    private static Table TableOf(Ruleset r, string family, string name) => r.Tables.Single(t => t.Family == family && t.Name == name);

    private static string Doc(string objects) =>
        "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"json_schema_version\": 1}}, " +
        "{\"table\": {\"family\": \"ip\", \"name\": \"t\", \"handle\": 1}}, " +
        "{\"chain\": {\"family\": \"ip\", \"table\": \"t\", \"name\": \"c\", \"handle\": 1}}, " + objects + "]}";

    private static string RuleWith(string expr) =>
        "{\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 9, \"expr\": [" + expr + "]}}";

    [Fact]
    public void BaseChainsCarryTypeHookPriorityAndPolicyAndRegularChainsNone()
    {
        var table = TableOf(DockerLike(), "ip", "docker-bridges");

        Assert.Equal(new BaseChain("filter", "forward", 0), table["filter-FORWARD"]!.Base);
        Assert.Equal(Verdict.Drop, table["filter-FORWARD"]!.Policy);
        Assert.Equal(new BaseChain("filter", "prerouting", -300), table["raw-PREROUTING"]!.Base);
        Assert.Null(table["filter-forward-in__docker0"]!.Base);
        Assert.Null(table["filter-forward-in__docker0"]!.Policy);
        Assert.True(table.IsNative);
        Assert.False(table.ManagedByIptablesNft);
    }

    [Fact]
    public void TablesOfEveryFamilyAreRead()
    {
        var families = DockerLike().Tables.Select(t => $"{t.Family} {t.Name}").ToList();

        Assert.Contains("ip docker-bridges", families);
        Assert.Contains("ip6 docker-bridges", families);
        Assert.Contains("inet host-filter", families);
        Assert.Contains("bridge br-filter", families);
    }

    [Fact]
    public void AVerdictMapBecomesOneRulePerElementWithTheKeyAsConditionAndTheOriginalHandle()
    {
        var forward = TableOf(DockerLike(), "ip", "docker-bridges")["filter-FORWARD"]!;
        var vmap = forward.Rules.Where(r => r.SourceText!.Contains("vmap")).ToList();

        Assert.Equal(2, vmap.Count);
        Assert.Single(vmap.Select(r => r.Handle).Distinct());
        Assert.Equal(new InterfaceMatch(Direction.Out, new InterfacePattern("docker0"), false), Assert.Single(vmap[0].Matches));
        Assert.Equal(new JumpTarget("filter-forward-in__docker0"), vmap[0].Target);
        Assert.Equal(new JumpTarget("filter-forward-in__br-a1b2c3d4e5f6"), vmap[1].Target);
    }

    [Fact]
    public void AnInlineVerdictMapOnCtStateBecomesStateRules()
    {
        var input = TableOf(DockerLike(), "inet", "host-filter")["input"]!;

        Assert.Equal(
            [(ConntrackStates.Invalid, Verdict.Drop), (ConntrackStates.Established, Verdict.Accept), (ConntrackStates.Related, Verdict.Accept)],
            input.Rules.Where(r => r.SourceText!.Contains("vmap")).Select(r => (((ConntrackStateMatch)r.Matches.Single()).States, ((VerdictTarget)r.Target!).Verdict)));
    }

    [Fact]
    public void AMapBasedDnatBecomesOneDnatPerElementWithItsKeyAsCondition()
    {
        var rule = TableOf(DockerLike(), "ip", "docker-bridges").Rules.Single(r => r.SourceText!.Contains("@port-dnat"));

        Assert.Contains(new PortMatch(AddressField.Destination, PortRange.Single(8443), false), rule.Matches);
        Assert.Equal("172.18.0.2:443", ((DnatTarget)rule.Target!).To!.Format());
    }

    [Fact]
    public void AnNftInterfaceWildcardIsTheIptablesPlus()
    {
        var rule = TableOf(DockerLike(), "bridge", "br-filter")["forward"]!.Rules[0];

        Assert.Contains(new InterfaceMatch(Direction.In, new InterfacePattern("veth+"), false), rule.Matches);
        Assert.Contains(new CommentMatch("bridge family sees intra-bridge frames without br_netfilter"), rule.Matches);
    }

    [Theory]
    [InlineData("\"invalid\"", ConntrackStates.Invalid)]
    [InlineData("[\"established\", \"related\"]", ConntrackStates.Established | ConntrackStates.Related)]
    public void CtStateIsABareStringForOneFlagAndAnArrayForSeveral(string right, ConntrackStates expected)
    {
        var result = NftJsonReader.Read(Doc(RuleWith($"{{\"match\": {{\"op\": \"in\", \"left\": {{\"ct\": {{\"key\": \"state\"}}}}, \"right\": {right}}}}}, {{\"accept\": null}}")), "t");

        Assert.Empty(result.Diagnostics);
        Assert.Equal(new ConntrackStateMatch(expected, false), result.Value!.Rules.Single().Matches.Single());
    }

    [Theory]
    [InlineData("\"ipv4_addr . inet_service\"")]
    [InlineData("[\"ipv4_addr\", \"inet_service\"]")]
    public void AConcatenatedMapTypeIsReadInTheShapeOfOldAndNewNft(string dataType)
    {
        var map = "{\"map\": {\"family\": \"ip\", \"name\": \"m\", \"table\": \"t\", \"type\": \"inet_service\", \"handle\": 2, \"map\": " + dataType +
                  ", \"elem\": [[8080, {\"concat\": [\"10.0.0.2\", 80]}]]}}, ";
        var dnat = "{\"dnat\": {\"family\": \"ip\", \"addr\": {\"map\": {\"key\": {\"payload\": {\"protocol\": \"tcp\", \"field\": \"dport\"}}, \"data\": \"@m\"}}}}";
        var result = NftJsonReader.Read(Doc(map + RuleWith(dnat)), "t");

        Assert.Empty(result.Diagnostics);
        Assert.Equal("10.0.0.2:80", ((DnatTarget)result.Value!.Rules.Single().Target!).To!.Format());
    }

    [Fact]
    public void NegationAddressPrefixesAndNamedAddressSetsAreTyped()
    {
        var set = "{\"set\": {\"family\": \"ip\", \"name\": \"s\", \"table\": \"t\", \"type\": \"ipv4_addr\", \"handle\": 2, \"flags\": [\"interval\"], " +
                  "\"elem\": [\"192.0.2.1\", {\"prefix\": {\"addr\": \"10.0.0.0\", \"len\": 8}}]}}, ";
        var expr = "{\"match\": {\"op\": \"!=\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"saddr\"}}, \"right\": {\"prefix\": {\"addr\": \"172.17.0.0\", \"len\": 16}}}}, " +
                   "{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", \"field\": \"daddr\"}}, \"right\": \"@s\"}}, {\"drop\": null}";
        var rule = NftJsonReader.Read(Doc(set + RuleWith(expr)), "t").Value!.Rules.Single();
        var matches = rule.Matches.ToList();

        Assert.Equal("172.17.0.0/16", ((AddressMatch)matches[0]).Value.ToString());
        Assert.True(matches[0].Negated);
        var members = (AddressSetMatch)matches[1];
        Assert.Equal("s", members.SetName);
        Assert.True(members.Contains(IpAddressValue.Parse("10.9.9.9", IpFamily.V4)));
        Assert.False(members.Contains(IpAddressValue.Parse("192.0.2.2", IpFamily.V4)));
    }

    [Fact]
    public void ALogThenDropRuleBecomesALogRuleAndADropRuleWithTheSameConditions()
    {
        var expr = "{\"match\": {\"op\": \"==\", \"left\": {\"meta\": {\"key\": \"iifname\"}}, \"right\": \"eth0\"}}, " +
                   "{\"log\": {\"prefix\": \"x: \", \"level\": \"info\"}}, {\"drop\": null}";
        var rules = NftJsonReader.Read(Doc(RuleWith(expr)), "t").Value!.Rules.ToList();

        Assert.Equal([new LogTarget("x: ", 6, []), new VerdictTarget(Verdict.Drop)], rules.Select(r => r.Target));
        Assert.All(rules, r => Assert.Equal(new InterfaceMatch(Direction.In, new InterfacePattern("eth0"), false), r.Matches.Single()));
    }

    [Fact]
    public void AnUnknownExpressionIsKeptOpaqueWithAWarningAtItsObject()
    {
        var expr = "{\"match\": {\"op\": \"==\", \"left\": {\"osf\": {\"key\": \"name\"}}, \"right\": \"Linux\"}}, {\"accept\": null}";
        var result = NftJsonReader.Read(Doc(RuleWith(expr)), "t");

        Assert.IsType<OpaqueMatch>(result.Value!.Rules.Single().Matches.Single());
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(("DFW160", 1), (warning.Code, warning.Span.Line));
        Assert.True(warning.Span.Column > 100);
    }

    [Theory]
    [InlineData("{\"nftables\": [", "DFW120")]
    [InlineData("{\"tables\": []}", "DFW120")]
    public void InputThatIsNotAnNftListingIsAnErrorValue(string text, string code)
    {
        var result = NftJsonReader.Read(text, "t");

        Assert.Null(result.Value);
        Assert.Equal(code, Assert.Single(result.Errors).Code);
    }
}
