using DockerFw.Core.Syntax.NftJson;
using DockerFw.Tests;

namespace DockerFw.Core.Tests.NftJson;

public sealed class NftJsonCorpusTests
{
    public static TheoryData<string> JsonFiles() => [.. Corpus.Files("nft", "*.json").Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(JsonFiles))]
    public void EveryCorpusJsonFileLoadsWithoutErrors(string file)
    {
        var result = NftJsonReader.Read(File.ReadAllText(Corpus.PathOf("nft", file)), file);

        Assert.Equal("", string.Join("\n", result.Errors.Select(d => d.Render())));
        Assert.NotEmpty(result.Value!.Tables);
    }

    [Theory]
    [MemberData(nameof(JsonFiles))]
    public void OnlyTablesOfIptablesNftWarnAndEveryOneOfThemIsFlagged(string file)
    {
        var result = NftJsonReader.Read(File.ReadAllText(Corpus.PathOf("nft", file)), file);
        var flagged = result.Value!.Tables.Where(t => t.ManagedByIptablesNft).Select(t => $"{t.Family} {t.Name}").ToList();
        var withXt = result.Value.Tables.Where(t => t.Rules.Any(r => r.SourceText!.Contains("\"xt\""))).Select(t => $"{t.Family} {t.Name}").ToList();

        Assert.Equal(withXt, flagged);
        Assert.All(result.Warnings.Where(w => w.Code == "DFW161"), w => Assert.Contains(flagged, f => w.Message.Contains($"table {f} ")));
        if (flagged.Count == 0) Assert.DoesNotContain(result.Warnings, w => w.Code == "DFW161");
    }

    [Fact]
    public void OneLineAndPrettyJsonOfTheSameRulesetReadToTheSameRules()
    {
        var line = NftJsonReader.Read(File.ReadAllText(Corpus.PathOf("nft", "iptables-nft.full.ruleset.json")), "a").Value!;
        var pretty = NftJsonReader.Read(File.ReadAllText(Corpus.PathOf("nft", "iptables-nft.full.ruleset.pretty.json")), "b").Value!;

        Assert.Equal(
            line.Rules.Select(r => (r.Chain, r.Number, r.Target, string.Join(" ", r.Matches.Select(m => m.ToString())))),
            pretty.Rules.Select(r => (r.Chain, r.Number, r.Target, string.Join(" ", r.Matches.Select(m => m.ToString())))));
        Assert.True(pretty.Rules.Select(r => r.Span.Line).Distinct().Count() > 1);
    }
}
