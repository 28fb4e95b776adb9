using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests;

namespace DockerFw.Core.Tests.Syntax;

/// <summary>The comment lines that are not trivia (formats.md §1.11), read from real dumps.</summary>
public class HeaderFactsTests
{
    private static Ruleset Read(string file) =>
        IptablesSaveReader.Read(File.ReadAllText(Corpus.PathOf("syntax", file)), file).Value!;

    [Theory]
    [InlineData("full.nft.iptables-save", Backend.Nft, IpFamily.V4)]
    [InlineData("full.legacy.iptables-save", Backend.Legacy, IpFamily.V4)]
    [InlineData("ipv6.nft.ip6tables-save", Backend.Nft, IpFamily.V6)]
    [InlineData("ipv6.legacy.ip6tables-save", Backend.Legacy, IpFamily.V6)]
    [InlineData("counters.input.iptables-save", Backend.Unknown, IpFamily.V4)]
    public void The_header_tells_the_back_end_and_the_family(string file, Backend backend, IpFamily family)
    {
        var ruleset = Read(file);

        Assert.Equal((backend, family), (ruleset.Backend, ruleset.Family));
    }

    [Fact]
    public void A_legacy_warning_on_the_first_line_is_noticed()
    {
        Assert.True(Read("mixed-backends.nft.stdout+stderr.iptables-save").LegacyTablesPresent);
        Assert.False(Read("mixed-backends.nft.stdout.iptables-save").LegacyTablesPresent);
    }

    [Fact]
    public void A_legacy_warning_kept_as_a_note_after_the_dump_is_noticed()
    {
        // The Docker corpus keeps iptables-nft-save's stderr as a trailing comment.
        var path = Corpus.PathOf("docker", "docker20.10-sim-legacy-nft-mix.nft.iptables-save");
        var read = DockerFw.Core.Syntax.IptablesSave.IptablesSaveReader.Read(File.ReadAllText(path), path);

        Assert.True(read.Value!.LegacyTablesPresent);
    }

    [Fact]
    public void Tables_nft_could_not_print_are_named()
    {
        var ruleset = Read("incompatible-table.nft.iptables-save");

        Assert.Equal(["filter"], ruleset.IncompatibleTables.AsEnumerable());
        Assert.Equal(["nat"], ruleset.TablesWithForeignBaseChains.AsEnumerable());
        Assert.Null(ruleset["filter"]);
    }

    [Fact]
    public void Rules_remember_their_text_and_position()
    {
        var rule = Read("full.nft.iptables-save")["filter"]!["INPUT"]!.Rules[0];

        Assert.Equal("-A INPUT -i lo -j ACCEPT", rule.SourceText);
        Assert.Equal((1, 11), (rule.Number, rule.Span.Column));
        Assert.Equal(new Counters(10, 4616), rule.Counters);
    }
}
