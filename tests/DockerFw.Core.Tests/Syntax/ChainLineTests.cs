using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Core.Tests.Syntax;

/// <summary>
/// Chain lines read as iptables-legacy-restore reads them (the fuzz in tests/DockerFw.Kernel.Tests
/// found each of these loaded by the kernel and refused by dockerfw, or the other way round).
/// </summary>
public class ChainLineTests
{
    private static string Render(string text) =>
        string.Join("\n", IptablesSaveReader.Read(text, "t").Diagnostics.Select(d => d.Render()));

    [Theory]
    [InlineData(":INPUT ACCEPT [0:0] [0:0]")]
    [InlineData(":INPUT ACCEPT [1:2]x")]
    [InlineData(":INPUT ACCEPT [-1:2]")]
    [InlineData(":INPUT ACCEPT")]
    [InlineData(":INPUT - [0:0]")]
    [InlineData(":USER -")]
    [InlineData(":USER - junk more fields")]
    [InlineData(":INPUT ACCEPT [0:0]\n:INPUT DROP [0:0]")]
    public void Lines_restore_loads_are_read_without_a_diagnostic(string lines) =>
        Assert.Equal("", Render($"*filter\n{lines}\nCOMMIT\n"));

    [Fact]
    public void A_built_in_chain_declared_again_takes_the_later_policy_and_counters()
    {
        var table = IptablesSaveReader.Read("*filter\n:INPUT ACCEPT [0:0]\n:INPUT DROP [3:4]\nCOMMIT\n", "t").Value!["filter"]!;
        Assert.Equal(Verdict.Drop, table["INPUT"]!.Policy);
        Assert.Equal(new Counters(3, 4), table["INPUT"]!.Counters);
        Assert.Equal(1, table.Chains.Count(c => c.Name == "INPUT"));
    }

    [Fact]
    public void A_user_chain_declared_again_is_refused_as_restore_refuses_it() =>
        Assert.Equal("t:3:2: error: expected each user chain declared once, but 'USER' is declared again [DFW102]",
            Render("*filter\n:USER - [0:0]\n:USER - [0:0]\nCOMMIT\n"));

    [Fact]
    public void A_policy_without_counters_is_refused_when_the_rules_carry_counters() =>
        Assert.Equal("t:2:14: error: expected counters '[packets:bytes]' after the policy of 'INPUT' (iptables-restore --counters needs them), but got the end of the line [DFW103]",
            Render("*filter\n:INPUT ACCEPT\n[1:2] -A INPUT -j ACCEPT\nCOMMIT\n"));

    [Fact]
    public void A_policy_on_a_user_chain_is_refused() =>
        Assert.Equal("t:2:7: error: expected policy '-' for user chain 'USER' (only built-in chains have a policy), but got 'ACCEPT' [DFW102]",
            Render("*filter\n:USER ACCEPT [0:0]\nCOMMIT\n"));
}
