using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using static DockerFw.Tests.Semantics.Symbolic.R;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// Random rulesets over a tiny world (four addresses, two ports, three interfaces, two mark bits, five TCP flags bytes)
/// against <see cref="BruteForceOracle"/>: every sampled packet lies in exactly one region, and a
/// region's verdict is the only one the oracle allows (MAYBE: the oracle allows several).
/// </summary>
public sealed class OracleAgreementTests
{
    private static readonly string[] Interfaces = ["a0", "a1", "b0"];

    [Fact]
    public void Every_packet_gets_its_regions_verdict_from_a_brute_force_interpreter()
    {
        var seed = Environment.GetEnvironmentVariable("DFW_SEED") is { Length: > 0 } fixedSeed ? int.Parse(fixedSeed) : Environment.TickCount;
        for (var round = 0; round < 150; round++)
        {
            var random = new Random(seed + round);
            var ruleset = RandomRuleset(random);
            var local = random.Next(2) == 0 ? new HashSet<UInt128> { Ip("10.0.0.1") } : null;
            var detail = random.Next(2) == 0 ? ReachDetail.Rules : ReachDetail.Verdicts;
            var context = local is null ? null : new EvaluationContext { Addresses = [new("eth0", IpFamily.V4, Ip("10.0.0.1"), 24)] };
            var compiled = SymbolicRuleset.Compile(ruleset, null, context, detail);
            var result = SymbolicEngine.Reach(compiled, PacketPath.Forward, TinyWorld(compiled.Space));
            var oracle = new BruteForceOracle(ruleset, local);
            for (var i = 0; i < 300; i++)
            {
                var packet = RandomPacket(random);
                var (point, mark) = compiled.Space.PointOf(packet);
                var holders = result.Regions.SelectMany(r => r.Packets.Boxes.Where(b => b.Contains(point, mark)).Select(_ => r)).ToList();
                var where = $"seed {seed + round} ({detail}): {packet}\n{Describe(ruleset)}";
                var region = Assert.Single(holders);
                var allowed = oracle.Verdicts(packet, PacketPath.Forward);
                if (region.Verdict == ReachVerdict.Maybe) Assert.True(allowed.Count > 1 || allowed.Contains(ReachVerdict.Maybe), where);
                else Assert.True(allowed.SetEquals([region.Verdict]), $"{where}: {region.Verdict} vs {string.Join(",", allowed)}");
            }
        }
    }

    internal static string Describe(Ruleset ruleset) => string.Join("\n", ruleset.Tables.SelectMany(t => t.Chains.Select(c =>
        $"{t.Name} {c.Name} {c.Policy}: " + string.Join(" ; ", c.Rules.Select(r => string.Join(" ", r.Matches.Select(m => (m.Negated ? "!" : "") + m)) + " -> " + r.Target)))));

    internal static PacketSet TinyWorld(PacketSpace space)
    {
        var shape = new RuleShape(
        [
            (Dimension.Src, IntervalSet.Range(Ip("10.0.0.0"), Ip("10.0.0.3"))),
            (Dimension.Dst, IntervalSet.Range(Ip("10.0.0.0"), Ip("10.0.0.3"))),
            (Dimension.Proto, IntervalSet.FromValues([1, 6, 17])),
            (Dimension.Sport, IntervalSet.FromValues([0, 1, 2])),
            (Dimension.Dport, IntervalSet.FromValues([0, 1, 2])),
            (Dimension.IcmpType, IntervalSet.FromValues([0, 8])),
            (Dimension.In, IntervalSet.FromValues(Interfaces.Select(n => (UInt128)space.Interfaces.SymbolOf(n)))),
            (Dimension.Out, IntervalSet.FromValues(Interfaces.Select(n => (UInt128)space.Interfaces.SymbolOf(n)))),
            (Dimension.TcpFlags, FlagsOrder.Of(FlagBytes.Select(f => (int)f))),
        ], BitCubeSet.Of(0, ~3u));
        var inside = new List<Box>();
        foreach (var box in space.Universe(PacketPath.Forward, anyMark: true).Boxes) FlowSplitter.Cut(box, shape, inside, []);
        return new PacketSet([.. inside]);
    }

    // None, SYN, ACK, SYN-ACK and an ECN-setup SYN (SYN,ECE,CWR: bits iptables cannot name).
    private static readonly TcpFlags[] FlagBytes = [TcpFlags.None, TcpFlags.Syn, TcpFlags.Ack, TcpFlags.Syn | TcpFlags.Ack, (TcpFlags)0xC2];

    internal static Packet RandomPacket(Random random)
    {
        var proto = new[] { 1, 6, 17 }[random.Next(3)];
        var ported = proto != 1;
        var type = ported ? (int?)null : random.Next(2) * 8;
        // A state conntrack gives the packet: an echo reply is never NEW (IcmpStates), and the space holds no such packet.
        var states = new[] { ConntrackStates.New, ConntrackStates.Established, ConntrackStates.Invalid }
            .Where(s => type is not { } t || IcmpStates.Possible(IpFamily.V4, t).HasFlag(s)).ToArray();
        return new Packet(IpFamily.V4, Ip("10.0.0.0") + (UInt128)random.Next(4), Ip("10.0.0.0") + (UInt128)random.Next(4), proto,
            SourcePort: ported ? random.Next(1, 3) : null, DestinationPort: ported ? random.Next(1, 3) : null,
            IcmpType: type, IcmpCode: ported ? null : 0,
            InInterface: Interfaces[random.Next(3)], OutInterface: Interfaces[random.Next(3)],
            State: states[random.Next(states.Length)],
            Mark: (uint)random.Next(4), TcpFlags: proto == 6 ? FlagBytes[random.Next(FlagBytes.Length)] : TcpFlags.None);
    }

    /// <param name="head">Rules to put before the random ones (a test's subject); a fresh builder when null.</param>
    internal static Ruleset RandomRuleset(Random random, RulesetBuilder? head = null)
    {
        var b = head ?? new RulesetBuilder();
        if (random.Next(2) == 0) b.Policy("filter", "FORWARD", Verdict.Drop);
        string[] filterChains = ["FORWARD", "U1", "U2"];
        for (var i = random.Next(1, 8); i > 0; i--)
        {
            var chain = filterChains[random.Next(3)];
            var target = RandomTarget(random, chain);
            b.Rule("filter", chain, target, RandomMatches(random));
        }

        for (var i = random.Next(3); i > 0; i--)
            b.Rule("mangle", "PREROUTING", random.Next(3) == 0 ? Return : SetMark((uint)random.Next(4), 3), RandomMatches(random));
        for (var i = random.Next(3); i > 0; i--)
            b.Rule("nat", "PREROUTING", random.Next(2) == 0 ? Dnat($"10.0.0.{random.Next(4)}", random.Next(1, 3)) : Accept, RandomMatches(random));
        for (var i = random.Next(2); i > 0; i--)
            b.Rule("nat", "POSTROUTING", Masquerade, RandomMatches(random));
        return b.Build();
    }

    private static Target? RandomTarget(Random random, string chain)
    {
        // U1 may call U2, FORWARD both; nothing calls back, so there are no loops.
        var callees = chain switch { "FORWARD" => new[] { "U1", "U2" }, "U1" => ["U2"], _ => [] };
        return random.Next(9) switch
        {
            0 => Accept,
            1 => Drop,
            2 => Reject,
            3 => Return,
            4 => SetMark((uint)random.Next(4), (uint)random.Next(4)),
            5 => null,
            6 or 7 when callees.Length > 0 => random.Next(2) == 0 ? Jump(callees[random.Next(callees.Length)]) : Goto(callees[random.Next(callees.Length)]),
            _ => Drop,
        };
    }

    private static Match[] RandomMatches(Random random)
    {
        var matches = new List<Match>();
        for (var i = random.Next(3); i > 0; i--)
        {
            var not = random.Next(4) == 0;
            matches.Add(random.Next(10) switch
            {
                0 => In(new[] { "a0", "a+", "b0" }[random.Next(3)], not),
                1 => Out(new[] { "a1", "a+", "b0" }[random.Next(3)], not),
                2 => Src($"10.0.0.{random.Next(4)}/{random.Next(30, 33)}", not),
                3 => new AddressMatch(AddressField.Destination, new AddressMask(IpFamily.V4, Ip("10.0.0.1"), 0xfffffffd), not),
                4 => State(random.Next(2) == 0 ? ConntrackStates.New : ConntrackStates.Established | ConntrackStates.Dnat, not),
                5 => Mark((uint)random.Next(4), (uint)random.Next(1, 4), not),
                6 => DstLocal(not),
                7 => Limit(),
                8 => Proto(random.Next(2) == 0 ? "udp" : "icmp", not),
                _ => Dst($"10.0.0.{random.Next(4)}/32", not),
            });
        }

        if (random.Next(3) == 0)
        {
            matches.Add(Proto("tcp"));
            matches.Add(random.Next(2) == 0 ? Dport(random.Next(1, 3), not: random.Next(3) == 0) : Sport(1, 2));
            if (random.Next(2) == 0) matches.Add(RandomFlags(random));
        }
        else if (random.Next(4) == 0)
        {
            matches.Add(Proto("icmp"));
            matches.Add(IcmpType(8, random.Next(2) == 0));
        }

        return [.. matches];
    }

    // --syn, --tcp-flags ALL NONE, SYN,ACK SYN,ACK, ACK ACK, and a comparison no byte meets (SYN outside the mask).
    private static Match RandomFlags(Random random)
    {
        const TcpFlags syn = TcpFlags.Fin | TcpFlags.Syn | TcpFlags.Rst | TcpFlags.Ack;
        var (mask, compare) = random.Next(5) switch
        {
            0 => (syn, TcpFlags.Syn),
            1 => (TcpFlags.All, TcpFlags.None),
            2 => (TcpFlags.Syn | TcpFlags.Ack, TcpFlags.Syn | TcpFlags.Ack),
            3 => (TcpFlags.Ack, TcpFlags.Ack),
            _ => (TcpFlags.Ack, TcpFlags.Syn),
        };
        return Flags(mask, compare, random.Next(3) == 0);
    }
}
