using DockerFw.Core.Audit.Checks;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// The rules a DFW201 names are those that let the packets through: when a RETURN moved to the top
/// of DOCKER-ISOLATION-STAGE-1 breaks isolation, that RETURN, not Docker's ACCEPT in FORWARD,
/// which only completes what the RETURN began (issue 11).
/// </summary>
public sealed class IsolationEvidenceTests
{
    private static readonly string TwoNetworks = File.ReadAllText(Corpus.PathOf("docker", "docker20.10-two-networks.iptables-save"));

    [Fact]
    public void A_RETURN_moved_above_the_isolation_jumps_is_the_evidence_of_every_breach()
    {
        const string Return = "-A DOCKER-ISOLATION-STAGE-1 -j RETURN\n";
        // The dump as dockerd wrote it, with its closing RETURN moved to the top of STAGE-1.
        var moved = TwoNetworks.Replace(Return, "").Replace("-A DOCKER-ISOLATION-STAGE-1 -i bridge2", Return + "-A DOCKER-ISOLATION-STAGE-1 -i bridge2");

        var findings = new IsolationCheck().Run(Context(moved)).Where(f => f.Code.Code == "DFW201").ToList();

        Assert.Equal(6, findings.Count);
        Assert.All(findings, f => Assert.Equal(
            [("DOCKER-ISOLATION-STAGE-1", 1, "-A DOCKER-ISOLATION-STAGE-1 -j RETURN", "lets it past isolation")],
            f.Evidence.Select(e => (e.Chain, e.Rule, e.Text, e.Role))));
    }

    [Fact]
    public void An_admin_ACCEPT_that_never_reaches_isolation_is_still_named_itself()
    {
        var finding = Assert.Single(new IsolationCheck().Run(Context(new DockerHost(User: """
            -A DOCKER-USER -i bridge1 -o bridge2 -j ACCEPT
            -A DOCKER-USER -i bridge2 -o bridge1 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            """).ToString())));

        Assert.Equal([("DOCKER-USER", 1, "opens the way")], finding.Evidence.Select(e => (e.Chain, e.Rule, e.Role)));
    }
}
