using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Checks;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Tests.Semantics;
using static DockerFw.Tests.Audit.AuditFixture;
using static DockerFw.Tests.Semantics.Packets;

namespace DockerFw.Tests.Audit;

/// <summary>
/// What keeping one way of two costs (docs/symbolic.md, "Owned flows"): a packet that meets the same
/// verdict by two ways gets a region naming the first way alone. These tests pin today's answers, so
/// the day the region keeps the other ways they fail and are turned round: with rule 1 undecidable
/// (<c>-m string</c>) and rule 2 dropping every TCP packet from eth0, rule 3 is reached by no packet on
/// any way, so it is shadowed, by rule 2 where rule 1 does not match and by rule 1 where it does. The
/// audit says DFW613 ("cannot be judged", because of rule 1): not wrong, but needlessly uncertain.
/// </summary>
public sealed class OneWayOfTwoTests
{
    private const string User = """
        -A DOCKER-USER -i eth0 -m string --string secret --algo bm -j DROP
        -A DOCKER-USER -i eth0 -p tcp -j DROP
        # never reached: rule 1 or rule 2 drops every TCP packet from eth0 first
        -A DOCKER-USER -i eth0 -p tcp -m tcp --dport 22 -j ACCEPT
        """;

    [Fact]
    public void The_region_names_the_first_way_where_the_tracer_lists_both()
    {
        var rules = Dump.Read("*filter\n:FORWARD ACCEPT [0:0]\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\n" + User + "\nCOMMIT\n");
        var packet = Tcp("10.0.0.1:40000", "172.17.0.2:22", "eth0", "docker0");

        var traced = PacketTracer.Trace(rules, packet, PacketPath.Forward);
        var region = SymbolicEngine.Reach(SymbolicRuleset.Compile(rules), new ReachQuery(PacketPath.Forward)).RegionOf(packet)!;

        Assert.Equal([PacketVerdict.Drop], traced.PossibleVerdicts.ToArray());
        Assert.Equal(["filter/FORWARD#1 filter/DOCKER-USER#1", "filter/FORWARD#1 filter/DOCKER-USER#2"],
            traced.Outcomes.Select(o => o.Counted()).Order());
        Assert.Equal(ReachVerdict.Drop, region.Verdict);
        // Today: the first way alone, its doubt kept; rule 2's way is not in the region.
        Assert.Equal([("DOCKER-USER", 1)], region.Rules.Where(r => r.Chain == "DOCKER-USER").Select(r => (r.Chain, r.Number)));
        Assert.Equal([("DOCKER-USER", 1)], region.Doubts.Select(r => (r.Chain, r.Number)));
    }

    [Fact]
    public void A_rule_both_ways_shadow_is_called_undecided_today()
    {
        var findings = new HostCheck().Run(Context(new DockerHost(User: User).ToString()))
            .Where(f => f.Code.Code.StartsWith("DFW61", StringComparison.Ordinal)).ToList();

        // The truth is DFW611 (shadowed by rules 1 and 2); today's answer is DFW613, in doubt by rule 1.
        var finding = Assert.Single(findings);
        Assert.Equal("DFW613", finding.Code.Code);
        Assert.Contains(finding.Evidence, e => e.Chain == "DOCKER-USER" && e.Rule == 1);
    }
}
