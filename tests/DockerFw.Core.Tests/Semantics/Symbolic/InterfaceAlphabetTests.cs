using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Tests.Semantics.Symbolic;

public sealed class InterfaceAlphabetTests
{
    private static readonly InterfaceAlphabet Alphabet = InterfaceAlphabet.Of(
        [new("docker0"), new("br-aaa"), new("br-+"), new("br-a+"), new("eth0"), new("veth+")], []);

    [Theory]
    [InlineData("br-+", "br-aaa", true)]
    [InlineData("br-+", "br-zzz", true)]
    [InlineData("br-+", "br-abc", true)]
    [InlineData("br-+", "docker0", false)]
    [InlineData("br-a+", "br-abc", true)]
    [InlineData("br-a+", "br-aaa", true)]
    [InlineData("br-a+", "br-zzz", false)]
    [InlineData("eth0", "eth0", true)]
    [InlineData("eth0", "eth1", false)]
    [InlineData("+", "anything", true)]
    [InlineData("veth+", "vethab12", true)]
    [InlineData("veth+", "wlan0", false)]
    public void A_pattern_matches_the_symbol_of_a_name_exactly_when_iptables_would(string pattern, string name, bool matches)
    {
        var symbols = Alphabet.Matching(new InterfacePattern(pattern));
        Assert.Equal(matches, symbols.Contains((UInt128)Alphabet.SymbolOf(name)));
        Assert.Equal(1, symbols.Count);
    }

    [Fact]
    public void Every_symbol_has_a_sample_name_that_maps_back_to_it()
    {
        for (var s = 0; s < Alphabet.Count; s++)
            Assert.Equal(s, Alphabet.SymbolOf(Alphabet.SampleName(s)));
    }

    [Fact]
    public void A_name_outside_every_stem_falls_in_the_global_other_symbol()
    {
        var symbol = Alphabet.SymbolOf("wlan0");
        Assert.True(Alphabet.IsOther(symbol));
        Assert.Equal("+ (other)", Alphabet.Display(symbol));
    }
}
