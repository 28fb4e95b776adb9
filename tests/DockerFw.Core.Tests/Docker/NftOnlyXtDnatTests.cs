using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Tests;
using DockerFw.Tests.Policy;

namespace DockerFw.Core.Tests.Docker;

/// <summary>
/// samples/lab-host's iptables-nft tables given only as <c>nft -j list ruleset</c> (the fixture:
/// <c>iptables-nft-restore</c> and <c>ip6tables-nft-restore</c> of its dumps in a namespace of its own,
/// then <c>nft -j list ruleset</c>). nft lists the xt DNAT of web's port 8080 as
/// <c>{"xt": {"type": "target", "name": "DNAT"}}</c>, without its destination: the port's container
/// is unknown from the rules, so Docker's per-port accept of 172.30.1.2:80 is no unpublished port
/// (DFW203 said it was); with the Engine's view the port is web's, and whether the unlisted DNAT
/// sends it there is not known.
/// </summary>
public sealed class NftOnlyXtDnatTests
{
    [Fact]
    public void Without_the_engines_view_an_unlisted_dnat_leaves_the_routed_container_ports_uncertain_not_unpublished()
    {
        var report = Audit(DockerView.Empty);

        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.UnpublishedPortsReachable);
        Assert.Contains(report.Notices, n => n.StartsWith("the container a DNAT publishes is unknown ('-A DOCKER ! -i br-e727bbbf1ba4 -p tcp -m tcp --dport 8080 -j DNAT' in nat DOCKER)", StringComparison.Ordinal)
            && n.Contains("may be its published port", StringComparison.Ordinal));
    }

    [Fact]
    public void With_the_engines_view_whether_the_unlisted_dnat_reaches_the_container_is_not_known()
    {
        // Was "not reachable" (no DNAT to web on the walk), so "published on every host address" (DFW512)
        // was left out as if no connection got there; it may get there.
        var analysis = AuditContextAnalysis.Analysis(Context(PolicyResolverTests.LabHost));

        Assert.All(analysis.Families.SelectMany(f => f.Analysis.Ports), p => Assert.Null(p.Reachable));
    }

    private static AuditReport Audit(DockerView view) => Auditor.Run(Context(view));

    private static AuditContext Context(DockerView view)
    {
        const string name = "lab-host.nft-xt.json";
        var read = NftJsonReader.Read(File.ReadAllText(Path.Combine(Corpus.RepoRoot, "tests", "DockerFw.Core.Tests", "NftJson", "Fixtures", name)), name);
        Assert.False(read.Diagnostics.Any(d => d.IsError), string.Join("\n", read.Diagnostics.Select(d => d.Render())));
        // The sample's bridges, as its Docker JSON names them: a new capture of samples/lab-host needs a new listing.
        Assert.Contains("br-e727bbbf1ba4", File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", "iptables-save")), StringComparison.Ordinal);
        return new AuditContext(HostRuleset.Merge(Ruleset.Empty(IpFamily.V4), read.Value!), HostRuleset.Merge(Ruleset.Empty(IpFamily.V6), read.Value!), view, HostSettings.Unknown);
    }
}
