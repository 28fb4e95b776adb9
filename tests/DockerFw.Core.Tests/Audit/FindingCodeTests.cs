using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Checks;

namespace DockerFw.Tests.Audit;

public sealed class FindingCodeTests
{
    private static readonly Dictionary<char, string> Groups = new()
    {
        ['2'] = "isolation", ['3'] = "icc", ['4'] = "masquerade", ['6'] = "host", ['7'] = "container", ['9'] = "policy",
    };

    [Fact]
    public void Codes_are_unique_and_grouped_by_check()
    {
        Assert.Equal(FindingCodes.All.Length, FindingCodes.All.Select(c => c.Code).Distinct().Count());
        foreach (var code in FindingCodes.All)
        {
            // Links are DFW50x and DFW53x, docker-proxy DFW54x, published ports the rest of DFW5xx; swarm and overlay DFW25x.
            var expected = code.Code[3] == '5' ? code.Code[4] switch { '0' or '3' => "link", '4' => "proxy", _ => "published-port" }
                : code.Code[3..5] == "25" ? "overlay" : code.Code[3..5] is "27" or "28" ? "fabric" : Groups[code.Code[3]];
            Assert.True(expected == code.Check, $"{code.Code} belongs to {expected}, not {code.Check}");
        }
    }

    [Fact]
    public void Every_declared_code_is_in_All()
    {
        // DFW406 was declared but left out of All: SARIF listed no rule for its results.
        var declared = typeof(FindingCodes).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.FieldType == typeof(FindingCode)).Select(f => ((FindingCode)f.GetValue(null)!).Code);
        Assert.Equal(declared.Order(StringComparer.Ordinal), FindingCodes.All.Select(c => c.Code).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_code_has_its_page_in_docs_findings_with_title_check_and_severity()
    {
        foreach (var code in FindingCodes.All)
        {
            var page = Path.Combine(Corpus.RepoRoot, "docs", "findings", code.Code + ".md");
            Assert.True(File.Exists(page), $"missing {page}");
            var text = File.ReadAllText(page);
            Assert.StartsWith($"# {code.Code}: ", text, StringComparison.Ordinal);
            Assert.Contains($"**Check:** `{code.Check}` · **Severity:** {code.Severity.ToString().ToLowerInvariant()}", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_check_has_a_distinct_name_and_raises_only_its_own_codes()
    {
        Assert.Equal(["container", "fabric", "host", "icc", "isolation", "link", "masquerade", "overlay", "policy", "proxy", "published-port"], Checks.All.Select(c => c.Name).Order());
        var host = new DockerHost(User: "-A DOCKER-USER -j ACCEPT", Input: "-A INPUT -p tcp --dport 8080 -j DROP").ToString();
        foreach (var check in Checks.All)
            Assert.All(check.Run(AuditFixture.Context(host)), f => Assert.Equal(check.Name, f.Code.Check));
    }
}
