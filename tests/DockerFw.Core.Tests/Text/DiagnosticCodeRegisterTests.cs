using System.Text.RegularExpressions;
using DockerFw.Core.Text;
using DockerFw.Tests;

namespace DockerFw.Core.Tests.Text;

/// <summary>
/// A code means one thing: every code the sources write sits in a range of the register, is written
/// by that range's catalogue only, and the ranges do not overlap. (DFW150 and DFW151 once meant both
/// a reader warning and a Docker JSON error.)
/// </summary>
public sealed partial class DiagnosticCodeRegisterTests
{
    private static readonly string CoreSources = Path.Combine(Corpus.RepoRoot, "src", "DockerFw.Core");

    [GeneratedRegex("\"(DFW[0-9]{3})\"")]
    private static partial Regex CodeLiteral();

    private static IEnumerable<(string File, string Code)> CodesWritten() =>
        Directory.EnumerateFiles(Path.Combine(Corpus.RepoRoot, "src"), "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => CodeLiteral().Matches(File.ReadAllText(file)).Select(m => (file, m.Groups[1].Value)));

    [Fact]
    public void The_ranges_do_not_overlap()
    {
        var ordered = DiagnosticCodes.Ranges.OrderBy(r => r.First).ToList();
        Assert.All(ordered.Zip(ordered.Skip(1)), p => Assert.True(p.First.Last < p.Second.First, $"{p.First} overlaps {p.Second}"));
    }

    [Fact]
    public void Every_catalogue_of_the_register_exists() =>
        Assert.All(DiagnosticCodes.Ranges, r => Assert.True(File.Exists(Path.Combine(CoreSources, r.Catalogue)), r.Catalogue));

    [Fact]
    public void Every_code_is_written_by_the_catalogue_of_its_range()
    {
        var written = CodesWritten().ToList();
        Assert.NotEmpty(written);
        Assert.All(written, w =>
        {
            var range = DiagnosticCodes.RangeOf(w.Code);
            Assert.True(range is not null, $"{w.Code} in {w.File} is in no range of the register (src/DockerFw.Core/Text/DiagnosticCodes.cs)");
            Assert.Equal(Path.GetFullPath(Path.Combine(CoreSources, range!.Catalogue)), Path.GetFullPath(w.File));
        });
    }

    [Fact]
    public void The_Docker_JSON_reader_has_codes_of_its_own()
    {
        var result = DockerFw.Core.Docker.DockerInspectReader.Read("[1, {\"x\": {}}]", "d.json");
        Assert.Equal(["DFW171", "DFW175"], result.Diagnostics.Select(d => d.Code).Order());
        Assert.Equal("DFW170", DockerFw.Core.Docker.DockerInspectReader.Read("{", "d.json").Diagnostics.Single().Code);
    }
}
