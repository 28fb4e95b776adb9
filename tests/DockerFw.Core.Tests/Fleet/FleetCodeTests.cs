using DockerFw.Core.Audit;
using DockerFw.Core.Fleet;
using DockerFw.Core.Text;
using DockerFw.Tests;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>Fleet's codes: its own range of the register, one page each, none of them the audit's.</summary>
public sealed class FleetCodeTests
{
    [Fact]
    public void Every_fleet_code_is_in_the_fleet_range_unique_and_not_an_audit_code()
    {
        Assert.Equal(FleetCodes.All.Length, FleetCodes.All.Select(c => c.Code).Distinct().Count());
        Assert.All(FleetCodes.All, c => Assert.Equal("Fleet/FleetCodes.cs", DiagnosticCodes.RangeOf(c.Code)!.Catalogue));
        Assert.Empty(FleetCodes.All.Select(c => c.Code).Intersect(FindingCodes.All.Select(c => c.Code)));
    }

    [Fact]
    public void Every_fleet_code_has_its_page_in_docs_findings_and_its_row_in_the_index()
    {
        var index = File.ReadAllText(Path.Combine(Corpus.RepoRoot, "docs", "findings", "README.md"));
        foreach (var code in FleetCodes.All)
        {
            var page = File.ReadAllText(Path.Combine(Corpus.RepoRoot, "docs", "findings", code.Code + ".md"));
            Assert.StartsWith($"# {code.Code}: {char.ToUpperInvariant(code.Title[0])}{code.Title[1..]}\n", page, StringComparison.Ordinal);
            Assert.Contains($"**Check:** `fleet` · **Severity:** {code.Severity.ToString().ToLowerInvariant()}", page, StringComparison.Ordinal);
            Assert.Contains($"| [{code.Code}]({code.Code}.md) | fleet |", index, StringComparison.Ordinal);
        }
    }
}
