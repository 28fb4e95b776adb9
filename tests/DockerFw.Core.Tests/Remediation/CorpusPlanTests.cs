using System.Text;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Text;
using DockerFw.Tests.Policy;

namespace DockerFw.Tests.Remediation;

/// <summary>
/// Every example policy in rules/ planned over every iptables dump of the Docker corpus, against the
/// view <see cref="CorpusViews"/> gives it. Both outcomes are approved output: the restore input and
/// the diff of a proved plan, or the errors exactly as <c>dockerfw plan</c> prints them.
/// </summary>
public sealed class CorpusPlanTests
{
    [Theory]
    [MemberData(nameof(PolicyReaderTests.ExamplePolicies), MemberType = typeof(PolicyReaderTests))]
    public void Each_example_policy_plans_the_approved_rules_and_diff_or_refusal_on_every_corpus_dump(string file)
    {
        var name = "rules/" + Path.GetFileName(file);
        var document = PolicyReader.Read(File.ReadAllText(file), name);
        Assert.True(document.Succeeded, string.Join("\n", document.Diagnostics));

        var text = new StringBuilder($"# {name} over the Docker corpus (shared/corpus/docker)\n");
        foreach (var dump in Corpus.Files("docker", "*.iptables-save"))
            text.Append('\n').Append(Outcome(dump, document.Value!));

        Snapshots.Verify(text.ToString(), $"corpus.{Path.GetFileNameWithoutExtension(file)}");
    }

    [Fact]
    public void Every_fixture_names_the_bridges_of_some_corpus_dump()
    {
        var used = Corpus.Files("docker", "*.iptables-save")
            .Select(d => CorpusViews.For(IptablesSaveReader.Read(File.ReadAllText(d), Path.GetFileName(d), IpFamily.V4).Value!).Fixture)
            .ToHashSet();
        var fixtures = Directory.GetFiles(Path.Combine(Corpus.RepoRoot, "tests", "DockerFw.Core.Tests", "Remediation", "corpus-views"), "*.json")
            .Select(Path.GetFileNameWithoutExtension);

        Assert.All(fixtures, f => Assert.Contains(f, used));
    }

    private static string Outcome(string dumpPath, PolicyDocument policy)
    {
        var dumpName = Path.GetFileName(dumpPath);
        var section = new StringBuilder();
        var read = IptablesSaveReader.Read(File.ReadAllText(dumpPath), dumpName, IpFamily.V4);
        if (read.Value is not { } before) return Section(section, dumpName, "unreadable", read.Diagnostics);

        var (view, fixture) = CorpusViews.For(before);
        var label = fixture is null ? "the inferred view" : $"view {fixture}";
        var resolved = PolicyResolver.Resolve(policy, view);
        if (resolved.Value is null) return Section(section, dumpName, label, resolved.Diagnostics);
        var plan = PolicyPlanner.Plan(before, resolved.Value);
        if (plan.Value is not { } planned) return Section(section, dumpName, label, plan.Diagnostics);

        section.Append($"## {dumpName} ({label}): planned\n");
        if (planned.ChangesNothing) return section.Append("nothing to change\n").ToString();
        return section.Append(planned.RestoreInput).Append('\n').Append(planned.Diff).ToString();
    }

    private static string Section(StringBuilder section, string dump, string label, IEnumerable<Diagnostic> diagnostics)
    {
        section.Append($"## {dump} ({label}): refused\n");
        foreach (var diagnostic in diagnostics) section.Append(diagnostic.Render()).Append('\n');
        return section.ToString();
    }
}
