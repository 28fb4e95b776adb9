using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Tests;
using DockerFw.Tests.Audit;

namespace DockerFw.Core.Tests.Docker;

/// <summary>
/// iptables-nft's tables given only as <c>nft -j list ruleset</c>, without iptables-save: they are the
/// kernel tables iptables' rules are in (<c>ip filter</c>, <c>ip nat</c>), so the Docker view is
/// inferred from them as from iptables-save's text, and the audit judges them. The fixtures are the
/// corpus's docker20.10-usernet-portmap in a namespace of its own, listed as JSON: once loaded with
/// <c>nft -f</c> from its nft text (native expressions: <c>ct state</c>, <c>fib</c>, <c>masquerade</c>,
/// <c>dnat to</c>), once restored with iptables-nft-restore from its iptables-save text (xt statements
/// that nft lists without their options: conntrack, addrtype, MASQUERADE, DNAT).
/// </summary>
public sealed class NftOnlyIptablesNftTests
{
    private const string Dump = "docker20.10-usernet-portmap.iptables-save";
    private const string NftDump = "docker20.10-usernet-portmap.iptables-nft.nft";

    [Fact]
    public void A_native_listing_infers_the_view_its_iptables_save_gives()
    {
        var fromSave = DockerViewInference.Infer(Save());
        var fromNft = DockerViewInference.Infer(Listing("nft-native"));

        Assert.Equal(Networks(fromSave), Networks(fromNft));
        Assert.Equal(Containers(fromSave), Containers(fromNft));
        Assert.Equal(["bridge1 192.0.2.0/24 internal=False icc=True masquerade=True snat= nat", "docker0 172.17.0.0/16 internal=False icc=True masquerade=True snat= nat"], Networks(fromNft));
        Assert.Empty(fromNft.InferenceDoubts);
    }

    [Fact]
    public void A_native_listing_audits_to_the_facts_its_scenario_expects()
    {
        var report = Auditor.Run(new AuditContext(Listing("nft-native"), Ruleset.Empty(IpFamily.V6), DockerView.Empty, HostSettings.Unknown));

        var failures = DockerCorpusAuditTests.Failures(NftDump, report, Corpus.ExpectOf(Corpus.PathOf("docker", NftDump)));

        Assert.True(failures.Count == 0, $"{NftDump}:\n  " + string.Join("\n  ", failures));
    }

    [Fact]
    public void An_xt_listing_infers_the_networks_and_says_which_published_container_it_cannot_name()
    {
        var view = DockerViewInference.Infer(Listing("nft-xt"));

        Assert.Equal(Networks(DockerViewInference.Infer(Save())), Networks(view));
        Assert.Empty(view.Containers);
        Assert.Equal(
            "the container a DNAT publishes is unknown ('-A DOCKER ! -i bridge1 -p tcp -m tcp --dport 8080 -j DNAT' in nat DOCKER): nft lists iptables-nft's DNAT without its destination, so any connection of tcp into a container may be its published port (none is reported unpublished); give iptables-save's view (--iptables) for the published ports",
            Assert.Single(view.InferenceDoubts));
        Assert.Equal(6, Assert.Single(view.UnnamedPublications).Protocol);
    }

    [Fact]
    public void An_xt_listing_is_judged_with_its_unknown_statements_rather_than_left_out()
    {
        var report = Auditor.Run(new AuditContext(Listing("nft-xt"), Ruleset.Empty(IpFamily.V6), DockerView.Empty, HostSettings.Unknown));

        // Isolation and icc are decided before or without the conntrack match nft does not show.
        Assert.All(report.Reachability, r => Assert.Equal(ReachabilityVerdict.Denied, r.Verdict));
        Assert.Equal(2, report.Reachability.Count);
        Assert.All(report.Networks, n => Assert.True(n.Icc.Effective));
        Assert.DoesNotContain(report.Findings, f => f.Code.Code is "DFW201" or "DFW602");
    }

    [Fact]
    public void Traffic_an_undecided_nat_target_may_rewrite_is_no_claim_that_some_is_natted()
    {
        // The corpus's iptables-nft listing: docker0's own traffic may meet kube-proxy's xt MASQUERADE
        // (after an xt comment match), which nft lists without options; none is surely NATed.
        const string name = "iptables-nft.full.ruleset.json";
        var read = NftJsonReader.Read(File.ReadAllText(Corpus.PathOf("nft", name)), name);
        var report = Auditor.Run(new AuditContext(HostRuleset.Merge(Ruleset.Empty(IpFamily.V4), read.Value!), Ruleset.Empty(IpFamily.V6), DockerView.Empty, HostSettings.Unknown));

        Assert.DoesNotContain(report.Findings, f => f.Code.Code == "DFW403");
        Assert.Equal("docker0", Assert.Single(report.Networks).Bridge);
    }

    private static Ruleset Save() => AuditFixture.Read(File.ReadAllText(Corpus.PathOf("docker", Dump)), Dump);

    /// <summary>A fixture listing as the host loader merges it when no iptables-save was given.</summary>
    private static Ruleset Listing(string form)
    {
        var name = $"docker20.10-usernet-portmap.{form}.json";
        var read = NftJsonReader.Read(File.ReadAllText(Path.Combine(Corpus.RepoRoot, "tests", "DockerFw.Core.Tests", "NftJson", "Fixtures", name)), name);
        Assert.False(read.Diagnostics.Any(d => d.IsError), string.Join("\n", read.Diagnostics.Select(d => d.Render())));
        return HostRuleset.Merge(Ruleset.Empty(IpFamily.V4), read.Value!);
    }

    private static string[] Networks(DockerView view) =>
        [.. view.Networks.Select(n => $"{n.Bridge} {string.Join(",", n.Subnets.Select(s => s.Network.ToString()))} internal={n.Internal} icc={n.EnableIcc} masquerade={n.EnableIpMasquerade} snat={n.SnatTo} {n.GatewayModeIpv4}").Order(StringComparer.Ordinal)];

    private static string[] Containers(DockerView view) =>
        [.. view.Containers.Select(c => $"{c.Name} {string.Join(",", c.Ports.Select(p => $"{p.Protocol} {p.HostIp}:{p.HostPort}->{p.ContainerPort}"))}").Order(StringComparer.Ordinal)];
}
