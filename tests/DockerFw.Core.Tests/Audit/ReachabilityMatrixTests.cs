using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// The matrix holds the pairs that are not denied and says every other one is denied: an isolated host
/// holds none, an open one holds its open pairs, and every ordered pair still reads as before.
/// </summary>
public sealed class ReachabilityMatrixTests
{
    [Fact]
    public void An_isolated_host_holds_no_pair_yet_every_ordered_pair_reads_denied()
    {
        var context = Context(new DockerHost().ToString());
        var report = Auditor.Run(context);

        Assert.Empty(context.Analysis().Pairs);
        Assert.Empty(report.Reachability.Listed);
        Assert.Equal(["bridge1", "bridge2"], report.Reachability.Networks.Order(StringComparer.Ordinal));
        Assert.Equal(2, report.Reachability.Count);
        Assert.All(report.Reachability, e => Assert.Equal(ReachabilityVerdict.Denied, e.Verdict));
        Assert.Equal(ReachabilityVerdict.Denied, report.Reachability.Of("bridge1", "bridge2")!.Verdict);
    }

    [Fact]
    public void An_open_host_lists_its_open_pairs_and_the_analysis_holds_only_those()
    {
        var context = Context(new DockerHost(User: "-A DOCKER-USER -j ACCEPT").ToString());
        var report = Auditor.Run(context);

        Assert.Equal(["bridge1->bridge2 Allowed", "bridge2->bridge1 Allowed"], report.Reachability.Listed.Select(r => $"{r.From}->{r.To} {r.Verdict}").Order());
        Assert.Equal(2, context.Analysis().Pairs.Length);
        Assert.Equal(report.Reachability.Listed, report.Reachability.Where(e => e.Verdict != ReachabilityVerdict.Denied));
    }

    [Fact]
    public void Denied_entries_given_to_the_matrix_are_left_out_and_pairs_of_unknown_networks_are_none()
    {
        var matrix = new ReachabilityMatrix(["a", "b", "c"], [
            new ReachabilityEntry("a", "b", ReachabilityVerdict.Denied, []),
            new ReachabilityEntry("c", "a", ReachabilityVerdict.Partial, [new AllowedFlow("tcp", "80", null, "connection")]),
            new ReachabilityEntry("a", "z", ReachabilityVerdict.Allowed, [])]);

        Assert.Equal(["c->a"], matrix.Listed.Select(e => $"{e.From}->{e.To}"));
        Assert.Equal(6, matrix.Count);
        Assert.Equal(["a->b denied", "a->c denied", "b->a denied", "b->c denied", "c->a partial", "c->b denied"],
            matrix.Select(e => $"{e.From}->{e.To} {e.Verdict.ToString().ToLowerInvariant()}"));
        Assert.Null(matrix.Of("a", "z"));
        Assert.Null(matrix.Of("a", "a"));
    }
}
