using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests;

namespace DockerFw.Core.Tests.Syntax;

public class CorpusReadingTests
{
    public static TheoryData<string> ValidDumps => CorpusFiles.AsTheory(CorpusFiles.Valid());

    [Theory]
    [MemberData(nameof(ValidDumps))]
    public void Every_valid_corpus_dump_reads_without_errors(string file)
    {
        var path = Corpus.PathOf(file);
        var result = IptablesSaveReader.Read(File.ReadAllText(path), file, CorpusFiles.FamilyOf(path));

        Assert.Equal("", string.Join("\n", result.Errors.Select(d => d.Render())));
        Assert.NotNull(result.Value);
    }
}
