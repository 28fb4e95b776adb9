using System.Globalization;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Tests.Semantics.Symbolic;

/// <summary>
/// Random rulesets of MARK, CONNMARK (set, save, restore, with masks) and <c>-m mark</c>/<c>-m connmark</c>
/// tests over two mark bits, in mangle and filter, against a naive interpreter written apart from the
/// engine that carries both marks packet by packet: a NEW packet's connection mark starts at 0, an
/// ESTABLISHED packet's may be any (every value of the two bits is tried), an INVALID packet has none.
/// Every packet the engine gives a certain verdict must get exactly that verdict from every value.
/// Seeded; DFW_SEED replays.
/// </summary>
public sealed class ConnectionMarkAgreementTests
{
    private static readonly string[] Interfaces = ["a0", "a1", "b0"];

    [Fact]
    public void A_certain_verdict_holds_for_every_connection_mark_the_packet_may_find()
    {
        var seed = Environment.GetEnvironmentVariable("DFW_SEED") is { Length: > 0 } fixedSeed ? int.Parse(fixedSeed, CultureInfo.InvariantCulture) : Environment.TickCount;
        for (var round = 0; round < 200; round++)
        {
            var random = new Random(seed + round);
            var text = RandomRuleset(random);
            var ruleset = IptablesSaveReader.Read(text, "random", IpFamily.V4).Value!;
            var compiled = SymbolicRuleset.Compile(ruleset, Interfaces.Select(n => new InterfacePattern(n)));
            var result = SymbolicEngine.Reach(compiled, PacketPath.Forward, OracleAgreementTests.TinyWorld(compiled.Space));
            for (var i = 0; i < 200; i++)
            {
                var packet = OracleAgreementTests.RandomPacket(random);
                var (point, mark) = compiled.Space.PointOf(packet);
                var region = Assert.Single(result.Regions, r => r.Packets.Boxes.Any(b => b.Contains(point, mark)));
                if (region.Verdict == ReachVerdict.Maybe) continue;
                var allowed = Interpreter.Verdicts(ruleset, packet);
                Assert.True(allowed.SetEquals([region.Verdict]), $"seed {seed + round}: {packet}: {region.Verdict} vs {string.Join(",", allowed)}\n{text}");
            }
        }
    }

    private static string RandomRuleset(Random random)
    {
        string Bits() => $"0x{random.Next(4):x}";
        string Match()
        {
            var not = random.Next(3) == 0 ? "! " : "";
            return random.Next(5) switch
            {
                0 => $"-m mark {not}--mark {Bits()}/0x{random.Next(1, 4):x} ",
                1 or 2 => $"-m connmark {not}--mark {Bits()}/0x{random.Next(1, 4):x} ",
                3 => $"-m conntrack --ctstate {(random.Next(2) == 0 ? "NEW" : "ESTABLISHED")} ",
                _ => $"-i {Interfaces[random.Next(3)]} ",
            };
        }

        string Target(bool filter) => random.Next(filter ? 7 : 5) switch
        {
            0 => $"CONNMARK --set-xmark {Bits()}/0x{random.Next(4):x}",
            1 => $"CONNMARK --save-mark --nfmask 0x{random.Next(4):x} --ctmask 0x{random.Next(4):x}",
            2 => $"CONNMARK --restore-mark --nfmask 0x{random.Next(4):x} --ctmask 0x{random.Next(4):x}",
            3 => $"MARK --set-xmark {Bits()}/0x{random.Next(4):x}",
            4 => "RETURN",
            5 => "ACCEPT",
            _ => "DROP",
        };

        var lines = new List<string> { "*mangle", ":PREROUTING ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]" };
        foreach (var chain in new[] { "PREROUTING", "FORWARD" })
            for (var i = random.Next(4); i > 0; i--) lines.Add($"-A {chain} {(random.Next(2) == 0 ? Match() : "")}-j {Target(false)}");
        lines.AddRange(["COMMIT", "*filter", $":FORWARD {(random.Next(2) == 0 ? "DROP" : "ACCEPT")} [0:0]"]);
        for (var i = random.Next(1, 6); i > 0; i--) lines.Add($"-A FORWARD {Match()}{(random.Next(2) == 0 ? Match() : "")}-j {Target(true)}");
        lines.Add("COMMIT");
        return string.Join("\n", lines) + "\n";
    }

    /// <summary>The rules of these rulesets, one packet and one connection mark at a time.</summary>
    private static class Interpreter
    {
        public static HashSet<ReachVerdict> Verdicts(Ruleset ruleset, Packet packet)
        {
            var tracked = (packet.State & (ConntrackStates.Invalid | ConntrackStates.Untracked)) == 0;
            var marks = !tracked || (packet.State & ConntrackStates.New) != 0 ? [0u] : new uint[] { 0, 1, 2, 3 };
            return [.. marks.Select(ct => Walk(ruleset, packet, tracked, ct))];
        }

        private static ReachVerdict Walk(Ruleset ruleset, Packet packet, bool tracked, uint ct)
        {
            var mark = packet.Mark;
            foreach (var (table, chain) in new[] { ("mangle", "PREROUTING"), ("mangle", "FORWARD"), ("filter", "FORWARD") })
            {
                if (ruleset[table]?[chain] is not { } rules) continue;
                var verdict = (Verdict?)null;
                foreach (var rule in rules.Rules)
                {
                    if (!rule.Matches.All(m => Holds(m, packet, hook: chain, tracked, mark, ct))) continue;
                    if (rule.Target is ExtensionTarget e)
                    {
                        uint Option(string name) => Convert.ToUInt32(e.Options.Single(o => o.Name == name).Arguments[0], 16);
                        if (!tracked) continue;
                        if (e.Options.Any(o => o.Name == "--set-xmark"))
                        {
                            var parts = e.Options.Single(o => o.Name == "--set-xmark").Arguments[0].Split('/');
                            ct = (ct & ~Convert.ToUInt32(parts[1], 16)) ^ Convert.ToUInt32(parts[0], 16);
                        }
                        else if (e.Options.Any(o => o.Name == "--save-mark")) ct = (ct & ~Option("--ctmask")) ^ (mark & Option("--nfmask"));
                        else mark = (mark & ~Option("--nfmask")) ^ (ct & Option("--ctmask"));
                        continue;
                    }

                    if (rule.Target is MarkTarget m)
                    {
                        mark = m.Apply(mark);
                        continue;
                    }

                    verdict = ((VerdictTarget)rule.Target!).Verdict;
                    break;
                }

                if (verdict == Verdict.Drop || verdict is null or Verdict.Return && rules.Policy == Verdict.Drop) return ReachVerdict.Drop;
            }

            return ReachVerdict.Accept;
        }

        private static bool Holds(Match m, Packet p, string hook, bool tracked, uint mark, uint ct) => m switch
        {
            MarkMatch { Connection: true } c => tracked && c.Value.Matches(ct) != c.Negated,
            MarkMatch c => c.Value.Matches(mark) != c.Negated,
            ConntrackStateMatch s => ((s.States & p.State) != 0) != s.Negated,
            InterfaceMatch i => i.Value.Matches(p.InInterface ?? "") != i.Negated,
            _ => throw new InvalidOperationException($"not generated: {m}"),
        };
    }
}
