using DockerFw.Core.Model;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Syntax.NftJson;

namespace DockerFw.Tests.Syntax;

/// <summary>
/// nft's negated sets, <c>meta l4proto != { tcp, udp }</c> and <c>iifname != { "a", "b" }</c>, are
/// read as one negated core condition each (all holding). Printed for people that is
/// <c>! -p tcp ! -p udp</c>, which iptables-restore refuses ("multiple -p flags not allowed"): the
/// writer marks such a rule unrestorable, as it does a rule with a condition only nft can express.
/// </summary>
public sealed class RepeatedCoreOptionTests
{
    private static Ruleset Read(string match) => NftJsonReader.Read(
        "{\"nftables\": [{\"table\": {\"family\": \"ip\", \"name\": \"t\", \"handle\": 1}}, " +
        "{\"chain\": {\"family\": \"ip\", \"table\": \"t\", \"name\": \"c\", \"handle\": 1}}, " +
        "{\"rule\": {\"family\": \"ip\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 9, \"expr\": [" + match + ", {\"drop\": null}]}}]}",
        "set.json").Value!;

    [Theory]
    [InlineData("{\"meta\": {\"key\": \"l4proto\"}}", "[\"tcp\", \"udp\"]", "! -p tcp ! -p udp")]
    [InlineData("{\"meta\": {\"key\": \"iifname\"}}", "[\"a\", \"b\"]", "! -i a ! -i b")]
    public void A_negated_set_of_core_values_is_refused(string left, string members, string printed)
    {
        var ruleset = Read($"{{\"match\": {{\"op\": \"!=\", \"left\": {left}, \"right\": {{\"set\": {members}}}}}}}");

        Assert.Equal($"-A c {printed} -j DROP", IptablesSaveWriter.FormatRule(Assert.Single(ruleset.Rules)));
        var problem = Assert.Single(IptablesSaveWriter.Unrestorable(ruleset));
        Assert.Contains($"'{printed}' has no iptables form", problem.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => IptablesSaveWriter.Write(ruleset, new StringWriter()));
    }

    [Fact]
    public void One_negated_value_is_written()
    {
        var ruleset = Read("{\"match\": {\"op\": \"!=\", \"left\": {\"meta\": {\"key\": \"l4proto\"}}, \"right\": {\"set\": [\"tcp\"]}}}");

        Assert.Empty(IptablesSaveWriter.Unrestorable(ruleset));
        Assert.Equal("-A c ! -p tcp -j DROP", IptablesSaveWriter.FormatRule(Assert.Single(ruleset.Rules)));
    }
}
