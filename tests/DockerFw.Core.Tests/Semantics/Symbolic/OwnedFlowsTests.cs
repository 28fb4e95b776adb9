using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using static DockerFw.Tests.Semantics.Symbolic.R;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// Owned flows (<see cref="Ownership"/>) walked without their ways, merged and dropped once decided,
/// change how a region's boxes are cut and nothing else: for each verdict, rules and doubts, the same
/// packets as the walk that keeps every way. docs/symbolic.md ("Owned flows") says why. The
/// real-world dumps are compared by the bench (<c>DFW_REACH_COMPARE=1 DockerFw.Bench.dll reach DUMP</c>).
/// </summary>
public sealed class OwnedFlowsTests
{
    [Fact]
    public void Random_rulesets_get_the_same_packets_for_each_verdict_and_way()
    {
        var seed = Environment.GetEnvironmentVariable("DFW_SEED") is { Length: > 0 } fixedSeed ? int.Parse(fixedSeed) : Environment.TickCount;
        var settled = 0;
        for (var round = 0; round < 300; round++)
        {
            var random = new Random(seed + round);
            var ruleset = OracleAgreementTests.RandomRuleset(random);
            var context = random.Next(2) == 0 ? new EvaluationContext { Addresses = [new("eth0", IpFamily.V4, R.Ip("10.0.0.1"), 24)] } : null;
            var compiled = SymbolicRuleset.Compile(ruleset, null, context);
            var (differences, owned) = Compare(compiled, OracleAgreementTests.TinyWorld(compiled.Space));
            Assert.True(differences.Count == 0, $"seed {seed + round}:\n{string.Join("\n", differences)}\n{OracleAgreementTests.Describe(ruleset)}");
            if (owned > 0) settled++;
        }

        // The comparison means something only where flows were owned.
        Assert.True(settled >= 10, $"seed {seed}: only {settled} of 300 rulesets had owned flows");
    }

    [Fact]
    public void An_undecidable_jump_to_a_chain_that_only_logs_and_drops_owns_what_it_drops()
    {
        // The TUM dumps from 2014 on: `-m recent --update -j LOG_RECENT_DROP2`, whose chain logs and drops
        // with no doubt of its own. Its summary walks the caller's flow without the caller's doubts, so the
        // DROP way owns its packets only once grafted onto the doubtful caller; every random rule after it
        // then walks owned flows.
        var seed = Environment.GetEnvironmentVariable("DFW_SEED") is { Length: > 0 } fixedSeed ? int.Parse(fixedSeed) : Environment.TickCount;
        var settled = 0;
        for (var round = 0; round < 200; round++)
        {
            var random = new Random(seed + round);
            var head = new RulesetBuilder()
                .Rule("filter", "FORWARD", Jump("LOGDROP"), Limit())
                .Rule("filter", "LOGDROP", Log)
                .Rule("filter", "LOGDROP", Drop);
            var ruleset = OracleAgreementTests.RandomRuleset(random, head);
            var compiled = SymbolicRuleset.Compile(ruleset);
            var (differences, owned) = Compare(compiled, OracleAgreementTests.TinyWorld(compiled.Space));
            Assert.True(differences.Count == 0, $"seed {seed + round}:\n{string.Join("\n", differences)}\n{OracleAgreementTests.Describe(ruleset)}");
            if (owned > 0) settled++;
        }

        // Every packet the jump sees is owned after it: nearly every ruleset settles some flows.
        Assert.True(settled >= 150, $"seed {seed}: only {settled} of 200 rulesets had owned flows");
    }

    [Fact]
    public void An_owned_flow_through_a_chain_that_tests_the_source_alone_is_walked_once_per_source()
    {
        // The TUM dumps' mac_* chains: `-s HOST -m mac -j RETURN`, `-s HOST -j DROP` per host. Owned flows
        // (after the head) are walked through HOSTS once per source set, the box widened elsewhere
        // (ChainReads), and given their own sets back: the same packets for each verdict and way.
        var seed = Environment.GetEnvironmentVariable("DFW_SEED") is { Length: > 0 } fixedSeed ? int.Parse(fixedSeed) : Environment.TickCount;
        for (var round = 0; round < 200; round++)
        {
            var random = new Random(seed + round);
            var head = new RulesetBuilder()
                .Rule("filter", "FORWARD", Jump("LOGDROP"), Limit())
                .Rule("filter", "LOGDROP", Log)
                .Rule("filter", "LOGDROP", Drop)
                .Rule("filter", "FORWARD", Jump("HOSTS"), Src("10.0.0.0/31"), In("a0"));
            foreach (var host in new[] { "10.0.0.0/32", "10.0.0.1/32" })
                head.Rule("filter", "HOSTS", Return, Src(host), Limit()).Rule("filter", "HOSTS", random.Next(2) == 0 ? Drop : Reject, Src(host));
            var ruleset = OracleAgreementTests.RandomRuleset(random, head);
            var compiled = SymbolicRuleset.Compile(ruleset);
            var (differences, _) = Compare(compiled, OracleAgreementTests.TinyWorld(compiled.Space));
            Assert.True(differences.Count == 0, $"seed {seed + round}:\n{string.Join("\n", differences)}\n{OracleAgreementTests.Describe(ruleset)}");
        }
    }

    [Fact]
    public void The_TUM_dumps_walk_tens_of_thousands_of_flows_not_millions()
    {
        // 1,333,561 final flows before owned flows were settled (docs/performance.md); the guard is a
        // count, not a time, so a loaded machine cannot fail it.
        var path = Corpus.PathOf("real-world", "configs_chair_for_Network_Architectures_and_Services", "iptables_20.10.2013");
        var ruleset = IptablesSaveReader.Read(File.ReadAllText(path), path, IpFamily.V4).Value!;
        var query = new ReachQuery(PacketPath.Forward);
        var compiled = SymbolicRuleset.Compile(ruleset, query.Interfaces);
        var walk = new SymbolicWalk(compiled);
        walk.Run(PacketPath.Forward, query.ToPacketSet(compiled.Space).Boxes.Select(b => new Flow(b, FlowView.Identity, null, null)));
        Assert.InRange(walk.Finals.Count, 1, 100_000);
        var regions = RegionBuilder.Build(walk.Finals);
        Assert.Contains(regions, r => r.Verdict == ReachVerdict.Maybe);
    }

    private static (List<string> Differences, int Owned) Compare(SymbolicRuleset compiled, PacketSet query)
    {
        var kept = new SymbolicWalk(compiled, settleOwned: false);
        kept.Run(PacketPath.Forward, query.Boxes.Select(b => new Flow(b, FlowView.Identity, null, null)));
        var settled = new SymbolicWalk(compiled);
        settled.Run(PacketPath.Forward, query.Boxes.Select(b => new Flow(b, FlowView.Identity, null, null)));
        var differences = ReachComparison.Differences(RegionBuilder.Build(kept.Finals), RegionBuilder.Build(settled.Finals));
        return (differences, settled.Finals.Count(f => f.Flow.Owned) + kept.Finals.Count - settled.Finals.Count);
    }
}
