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

    /// <summary>
    /// One fact, one severity (docs/fleet.md): a fleet code that says of two hosts what an audit code
    /// says of one has that code's severity.
    /// </summary>
    [Theory]
    [InlineData("DFW781", "DFW250")]
    [InlineData("DFW773", "DFW272")]
    [InlineData("DFW772", "DFW271")]
    [InlineData("DFW777", "DFW270")]
    [InlineData("DFW776", "DFW255")]
    public void A_fleet_code_has_the_severity_of_the_audit_code_that_says_the_same_of_one_host(string fleet, string audit)
    {
        var (across, single) = (FleetCodes.All.Single(c => c.Code == fleet), FindingCodes.All.Single(c => c.Code == audit));

        Assert.True(across.Severity == single.Severity, $"{fleet} is {across.Severity}, {audit} {single.Severity}");
    }
}
