using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Evaluation;
using DockerFw.Core.Semantics.Symbolic;
using static DockerFw.Tests.Semantics.Symbolic.R;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// Chains that jump twice to the next, many levels deep (legal for iptables-legacy): a packet meets
/// the last chain 2^depth times. The engine walks each chain once per set of packets it is given
/// (a summary) and must still give every packet the verdict a naive interpreter does.
/// </summary>
public sealed class DiamondTests
{
    [Fact]
    public void Random_diamonds_agree_with_a_brute_force_interpreter()
    {
        var seed = Environment.GetEnvironmentVariable("DFW_SEED") is { Length: > 0 } fixedSeed ? int.Parse(fixedSeed) : Environment.TickCount;
        for (var round = 0; round < 60; round++)
        {
            var random = new Random(seed + round);
            var depth = random.Next(1, 6);
            var ruleset = RandomDiamond(random, depth);
            var detail = random.Next(2) == 0 ? ReachDetail.Rules : ReachDetail.Verdicts;
            var compiled = SymbolicRuleset.Compile(ruleset, null, LocalContext, detail);
            var result = SymbolicEngine.Reach(compiled, PacketPath.Forward, OracleAgreementTests.TinyWorld(compiled.Space));
            var oracle = new BruteForceOracle(ruleset, new HashSet<UInt128> { Ip("10.0.0.1") });
            for (var i = 0; i < 200; i++)
            {
                var packet = OracleAgreementTests.RandomPacket(random);
                var (point, mark) = compiled.Space.PointOf(packet);
                var where = $"seed {seed + round} ({detail}, depth {depth}): {packet}\n{OracleAgreementTests.Describe(ruleset)}";
                var region = Assert.Single(result.Regions.Where(r => r.Packets.Contains(point, mark)));
                var allowed = oracle.Verdicts(packet, PacketPath.Forward);
                Assert.True(allowed.SetEquals([region.Verdict]), $"{where}: {region.Verdict} vs {string.Join(",", allowed)}");
            }
        }
    }

    [Fact]
    public void The_tracer_walks_random_diamonds_by_summary_and_counts_the_regions_rules()
    {
        var seed = Environment.GetEnvironmentVariable("DFW_SEED") is { Length: > 0 } fixedSeed ? int.Parse(fixedSeed) : Environment.TickCount;
        for (var round = 0; round < 60; round++)
        {
            var random = new Random(seed + round);
            var depth = random.Next(1, 13);
            var ruleset = RandomDiamond(random, depth);
            var compiled = SymbolicRuleset.Compile(ruleset, null, LocalContext);
            var result = SymbolicEngine.Reach(compiled, PacketPath.Forward, OracleAgreementTests.TinyWorld(compiled.Space));
            foreach (var region in result.Regions)
                foreach (var box in region.Packets.Boxes.Take(3))
                {
                    var packet = compiled.Space.PacketAt(box.Sample().Point, box.Sample().Mark);
                    var trace = PacketTracer.Trace(ruleset, packet, PacketPath.Forward, LocalContext);
                    var where = $"seed {seed + round}, depth {depth}, {region.Verdict} region, {packet}\n{OracleAgreementTests.Describe(ruleset)}";
                    Assert.True(trace.Certain && trace.Verdict.ToString() == region.Verdict.ToString(), where);
                    var outcome = Assert.Single(trace.Outcomes);
                    Assert.True(region.Rules.Select(r => (r.Table, r.Chain, r.Number, r.Line)).SequenceEqual(
                        outcome.Matched.Select(r => (r.Table, r.Chain, r.Number, r.Line))), where);
                    Assert.Equal(region.RulesOmitted, outcome.MatchedOmitted);
                }
        }
    }

    [Theory]
    [InlineData(20)]
    [InlineData(40)]
    public void A_deep_diamond_is_traced_by_summary(int depth)
    {
        var packet = new Packet(IpFamily.V4, Ip("10.1.0.1"), Ip("8.8.8.8"), 6, SourcePort: 1000, DestinationPort: 80,
            InInterface: "eth0", OutInterface: "eth1", State: ConntrackStates.New);
        var trace = PacketTracer.Trace(Diamond(depth), packet, PacketPath.Forward, LocalContext);
        Assert.True(trace.Verdict == PacketVerdict.Drop, string.Join("; ", trace.Doubts.Select(d => d.Reason)));
        var outcome = Assert.Single(trace.Outcomes);
        Assert.Equal(Branch.MaxMatched, outcome.Matched.Length);

        // FORWARD#1, DOCKER-USER#1, two jumps per level (2^depth - 2), 2^(depth-1) visits of the last
        // chain matching its accounting rule, DOCKER-USER#2.
        var counted = 2 + ((1L << depth) - 2) + (1L << (depth - 1)) + 1;
        Assert.Equal(counted, outcome.Matched.Length + outcome.MatchedOmitted);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(40)]
    public void A_deep_diamond_is_walked_by_summary_with_the_shallow_ones_verdicts(int depth)
    {
        // The last chain decides; every level above only doubles the ways to it, so the verdicts
        // are those of depth 2, where the interpreter still agrees with the engine.
        var shallow = Reach(Diamond(2), ReachDetail.Rules);
        ReachResult? walked = null;
        var cpu = ThreadCpu.Of(() => walked = Reach(Diamond(depth), ReachDetail.Rules));
        var deep = walked!;
        Assert.True(cpu < TimeSpan.FromSeconds(30), $"took {cpu} of CPU");
        foreach (var verdict in Enum.GetValues<ReachVerdict>())
            Assert.True(Union(shallow, verdict).SameAs(Union(deep, verdict)), $"{verdict} differs at depth {depth}");

        // The tcp/22 packets: FORWARD#1, DOCKER-USER#1, then C1..C(depth-1) #1 and C(depth)'s DROP.
        var dropped = Assert.Single(deep.Regions, r => r.Verdict == ReachVerdict.Drop && r.Packets.Boxes.All(b => b[Dimension.Dport].Equals(IntervalSet.Single(22))));
        Assert.Equal(depth + 2, dropped.Rules.Length);
        Assert.Equal(0, dropped.RulesOmitted);

        // The accepted way meets the last chain 2^(depth-1) times: only the first 1,000 matches are listed.
        var accepted = deep.Regions.Where(r => r.Verdict == ReachVerdict.Accept && r.RulesOmitted > 0).ToList();
        Assert.NotEmpty(accepted);
        Assert.All(accepted, r => Assert.Equal(RegionBuilder.MaxRules, r.Rules.Length));
    }

    private static readonly EvaluationContext LocalContext = new() { Addresses = [new("eth0", IpFamily.V4, Ip("10.0.0.1"), 24)] };

    private static ReachResult Reach(Ruleset ruleset, ReachDetail detail) =>
        SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, null, LocalContext, detail), new ReachQuery(PacketPath.Forward) { AnyMark = true });

    private static PacketSet Union(ReachResult result, ReachVerdict verdict) =>
        result.Regions.Where(r => r.Verdict == verdict).Aggregate(PacketSet.Empty, (all, r) => all.Union(r.Packets));

    /// <summary>FORWARD -> DOCKER-USER -> C1; Ci jumps twice to Ci+1; the last drops tcp/22 and returns udp; FORWARD drops what is left.</summary>
    internal static Ruleset Diamond(int depth)
    {
        var b = new RulesetBuilder().Policy("filter", "FORWARD", Verdict.Drop)
            .Rule("filter", "FORWARD", Jump("DOCKER-USER"))
            .Rule("filter", "FORWARD", Accept, In("docker0"))
            .Rule("filter", "DOCKER-USER", Jump("C1"))
            .Rule("filter", "DOCKER-USER", Return);
        for (var i = 1; i < depth; i++) b.Rule("filter", $"C{i}", Jump($"C{i + 1}")).Rule("filter", $"C{i}", Jump($"C{i + 1}"));
        return b.Rule("filter", $"C{depth}", Drop, Proto("tcp"), Dport(22))
            .Rule("filter", $"C{depth}", Return, Proto("udp"))
            .Rule("filter", $"C{depth}", null, Src("10.0.0.0/8"))
            .Build();
    }

    /// <summary>A diamond with random decided rules around the jumps (marks make the way count).</summary>
    private static Ruleset RandomDiamond(Random random, int depth)
    {
        var b = new RulesetBuilder();
        if (random.Next(2) == 0) b.Policy("filter", "FORWARD", Verdict.Drop);
        b.Rule("filter", "FORWARD", Jump("C1"), RandomMatch(random));
        for (var i = 1; i <= depth; i++)
        {
            var chain = $"C{i}";
            for (var k = random.Next(3); k > 0; k--) b.Rule("filter", chain, RandomTarget(random), RandomMatch(random));
            if (i == depth) continue;
            b.Rule("filter", chain, random.Next(4) == 0 ? Goto($"C{i + 1}") : Jump($"C{i + 1}"), random.Next(2) == 0 ? [] : [RandomMatch(random)]);
            for (var k = random.Next(2); k > 0; k--) b.Rule("filter", chain, RandomTarget(random), RandomMatch(random));
            b.Rule("filter", chain, Jump($"C{i + 1}"));
        }

        for (var k = random.Next(3); k > 0; k--) b.Rule("filter", "FORWARD", RandomTarget(random), RandomMatch(random));
        return b.Build();
    }

    private static Target? RandomTarget(Random random) => random.Next(7) switch
    {
        0 => Accept,
        1 => Drop,
        2 => Reject,
        3 => Return,
        4 => SetMark((uint)random.Next(4), (uint)random.Next(1, 4)),
        // No rule that only counts: regions do not list those, the tracer does, and the counts of
        // rules beyond the first 1,000 are compared here.
        _ => SetMark((uint)random.Next(4), 3),
    };

    // Only decidable conditions: an undecidable one met 2^depth times makes the interpreter fork as often.
    private static Core.Model.Matches.Match RandomMatch(Random random)
    {
        var not = random.Next(4) == 0;
        return random.Next(7) switch
        {
            0 => In(new[] { "a0", "a+", "b0" }[random.Next(3)], not),
            1 => Out(new[] { "a1", "a+", "b0" }[random.Next(3)], not),
            2 => Src($"10.0.0.{random.Next(4)}/{random.Next(30, 33)}", not),
            3 => State(random.Next(2) == 0 ? ConntrackStates.New : ConntrackStates.Established, not),
            4 => Mark((uint)random.Next(4), (uint)random.Next(1, 4), not),
            5 => DstLocal(not),
            _ => Proto(random.Next(2) == 0 ? "udp" : "icmp", not),
        };
    }
}
