using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using DockerFw.Cli.Commands;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Cli.Tests.Support;

namespace DockerFw.Cli.Tests;

/// <summary>
/// What reach writes means what the engine found: each box of its JSON, read back as
/// docs/reach-json.md says (the query's packets with every listed value; ports and ICMP type only
/// for the protocols that have them), is disjoint from every other box written, the boxes of a region
/// are exactly its packets, and all of them are the query.
/// </summary>
public sealed class ReachBoxesTests
{
    [Fact]
    public void A_box_of_the_protocols_without_ports_lists_them_oracle_finding_F6()
    {
        // Before the fix the ACCEPT region held a box written {} (the protocols without ports, as
        // "all of the query"), which also held the DROP box's packets.
        var file = Path.Combine(Path.GetTempPath(), $"dockerfw-reach-{Guid.NewGuid():N}.rules");
        File.WriteAllText(file, "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -p tcp -m tcp --sport 80 -j DROP\nCOMMIT\n");
        CliRun run;
        try
        {
            run = Dockerfw.Run(["reach", "--iptables", file, "--hook", "FORWARD", "--format", "json"]);
        }
        finally
        {
            File.Delete(file);
        }

        Assert.True(run.ExitCode == 0, run.ToString());
        var boxes = JsonDocument.Parse(run.Out).RootElement.GetProperty("regions").EnumerateArray()
            .SelectMany(r => r.GetProperty("boxes").EnumerateArray()).ToList();
        Assert.DoesNotContain(boxes, b => !b.EnumerateObject().Any());
        Assert.All(boxes, b => Assert.True(b.TryGetProperty("proto", out _), b.ToString()));
    }

    [Fact]
    public void The_written_boxes_of_random_rulesets_partition_the_query_as_the_regions_do()
    {
        var seed = Environment.GetEnvironmentVariable("DFW_SEED") is { Length: > 0 } fixedSeed ? int.Parse(fixedSeed, CultureInfo.InvariantCulture) : Environment.TickCount;
        for (var round = 0; round < 40; round++)
        {
            var random = new Random(seed + round);
            var dump = RandomDump(random);
            var query = RandomQuery(random);
            var ruleset = IptablesSaveReader.Read(dump, "random.rules", IpFamily.V4).Value!;
            var result = SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, query.Interfaces, new EvaluationContext()), query);
            var where = $"seed {seed + round}, query {query}\n{dump}";

            var written = JsonDocument.Parse(ReachJson.Render(result)).RootElement.GetProperty("regions").EnumerateArray()
                .Select(r => (Verdict: r.GetProperty("verdict").GetString()!, Boxes: r.GetProperty("boxes").EnumerateArray().Select(b => Read(b, result)).ToList()))
                .ToList();
            var all = written.SelectMany(r => r.Boxes.Select(b => (r.Verdict, Box: b))).ToList();
            for (var i = 0; i < all.Count; i++)
                for (var j = i + 1; j < all.Count; j++)
                    Assert.True(all[i].Box.Intersect(all[j].Box).IsEmpty, $"{where}\n{all[i].Verdict} box {i} and {all[j].Verdict} box {j} overlap");
            var union = all.Aggregate(PacketSet.Empty, (u, b) => u.Union(b.Box));
            Assert.True(union.SameAs(result.Query), $"{where}\nthe boxes are not the query");
            foreach (var (region, (verdict, boxes)) in ReachText.Ordered(result).Zip(written))
            {
                Assert.Equal(region.Verdict.ToString().ToUpperInvariant(), verdict);
                Assert.True(boxes.Aggregate(PacketSet.Empty, (u, b) => u.Union(b)).SameAs(region.Packets), $"{where}\na {verdict} region is written as other packets");
            }
        }
    }

    [Fact]
    public void The_json_of_rules_over_hundreds_of_bridges_grows_linearly_and_still_means_the_regions()
    {
        // Each rule lets one bridge reach any output but another: the JSON listed every other bridge
        // in each such box, so it grew as the square of the rules (2,000 of them wrote 438 MB).
        var (small, _) = StatefulJson(100);
        var (large, result) = StatefulJson(400);
        Assert.True(large.Length < small.Length * 6, $"100 rules: {small.Length} bytes, 400 rules: {large.Length} bytes");
        Assert.True(large.Length < 400 * 3000, $"{large.Length} bytes for 400 rules");
        var regions = JsonDocument.Parse(large).RootElement.GetProperty("regions").EnumerateArray().ToList();
        Assert.Contains(regions, r => r.GetProperty("boxes").EnumerateArray().Any(b => b.TryGetProperty("outExcept", out _)));
        foreach (var (region, written) in ReachText.Ordered(result).Zip(regions))
        {
            var packets = written.GetProperty("boxes").EnumerateArray().Aggregate(PacketSet.Empty, (u, b) => u.Union(Read(b, result)));
            Assert.True(packets.SameAs(region.Packets), $"a {region.Verdict} region is written as other packets");
        }
    }

    private static (string Json, ReachResult Result) StatefulJson(int rules)
    {
        var dump = new StringBuilder("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n");
        for (var i = 0; i < rules; i++)
            dump.Append(CultureInfo.InvariantCulture, $"-A FORWARD -i br-{i:x4} ! -o br-{i * 7 % rules:x4} -p tcp -m tcp --dport {1000 + i} -j ACCEPT\n");
        var ruleset = IptablesSaveReader.Read(dump.Append("COMMIT\n").ToString(), "bridges.rules", IpFamily.V4).Value!;
        var query = new ReachQuery(PacketPath.Forward);
        var result = SymbolicEngine.Reach(SymbolicRuleset.Compile(ruleset, query.Interfaces, new EvaluationContext()), query);
        return (ReachJson.Render(result), result);
    }

    /// <summary>A JSON box read as the contract says, independently of the writer.</summary>
    private static PacketSet Read(JsonElement box, ReachResult result)
    {
        var space = result.Space;
        var sets = Enum.GetValues<Dimension>().Select(space.Full).ToArray();
        var mark = BitCubeSet.All;
        foreach (var property in box.EnumerateObject())
        {
            var values = property.Value.EnumerateArray().Select(v => v.GetString()!).ToList();
            if (property.Name == "mark")
            {
                mark = values.Select(Marks).Aggregate(BitCubeSet.Empty, (u, m) => u.Union(m));
                continue;
            }

            // "outExcept": the interfaces of the query but these (every box lies in the query).
            var except = property.Name.EndsWith("Except", StringComparison.Ordinal);
            var d = Enum.GetValues<Dimension>().Single(x => x.JsonName() == (except ? property.Name[..^"Except".Length] : property.Name));
            Assert.True(!except || d is Dimension.In or Dimension.Out, property.Name);
            IntervalSet Each(Func<int, string> name, int max) =>
                IntervalSet.FromValues(Enumerable.Range(0, max + 1).Where(v => values.Contains(name(v)) != except).Select(v => (UInt128)v));
            sets[(int)d] = d switch
            {
                Dimension.In or Dimension.Out => Each(space.Interfaces.Display, (int)space.Interfaces.MaxSymbol),
                Dimension.State => Each(v => ConntrackStatesText.Format((ConntrackStates)v), 127),
                Dimension.Src or Dimension.Dst => IntervalSet.FromRanges(values.Select(v => Range(v, Address))),
                Dimension.TcpFlags => FlagsOrder.Of(Enumerable.Range(0, 256).Where(f => values.Any(v => HoldsFlags(v, f)))),
                _ => IntervalSet.FromRanges(values.Select(v => Range(v, n => UInt128.Parse(n, CultureInfo.InvariantCulture)))),
            };
            if (!except && d != Dimension.TcpFlags) Assert.Equal(values.Count, sets[(int)d].Ranges.Sum(r => d is Dimension.In or Dimension.Out or Dimension.State ? (int)(r.Last - r.First + 1) : 1));
        }

        var listed = box.EnumerateObject().Select(p => p.Name).ToHashSet();
        if (listed.Contains("sport") || listed.Contains("dport"))
            sets[(int)Dimension.Proto] = sets[(int)Dimension.Proto].Intersect(IntervalSet.FromValues([6, 17, 33, 132, 136]));
        if (listed.Contains("icmpType")) sets[(int)Dimension.Proto] = sets[(int)Dimension.Proto].Intersect(IntervalSet.Single(1));
        if (listed.Contains("flags")) sets[(int)Dimension.Proto] = sets[(int)Dimension.Proto].Intersect(IntervalSet.Single(6));
        return result.Query.Intersect(new Box(sets, mark));
    }

    // "COMP/MASK" in iptables' flag names (the bytes whose MASK bits are COMP's), "!COMP/MASK" the other bytes.
    private static bool HoldsFlags(string text, int flags)
    {
        string[] names = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"];
        int Bits(string words) => words == "NONE" ? 0 : words.Split(',').Aggregate(0, (b, w) => b | 1 << Array.IndexOf(names, w));
        var parts = text.TrimStart('!').Split('/');
        return ((flags & Bits(parts[1])) == Bits(parts[0])) != text.StartsWith('!');
    }

    private static (UInt128, UInt128) Range(string text, Func<string, UInt128> parse) =>
        text.Split('-') is [var lo, var hi] ? (parse(lo), parse(hi)) : (parse(text), parse(text));

    private static UInt128 Address(string text) =>
        IPAddress.Parse(text).GetAddressBytes().Aggregate(UInt128.Zero, (a, b) => (a << 8) | b);

    private static BitCubeSet Marks(string text)
    {
        uint Hex(string h) => uint.Parse(h[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        if (text.Split('/') is [var value, var mask]) return BitCubeSet.Of(Hex(value), Hex(mask));
        var (lo, hi) = text.Split('-') is [var l, var h] ? (Hex(l), Hex(h)) : (Hex(text), Hex(text));
        return BitCubeSet.Of(lo, ~(lo ^ hi));
    }

    private static ReachQuery RandomQuery(Random random) => new(PacketPath.Forward)
    {
        Protocol = random.Next(4) == 0 && Protocol.TryParse(new[] { "tcp", "icmp", "gre" }[random.Next(3)], out var p) ? p : null,
        In = random.Next(4) == 0 ? new InterfacePattern("eth0") : null,
        Source = random.Next(4) == 0 && AddressMask.TryParse("10.0.0.0/30", IpFamily.V4, out var s) ? s : null,
        // Asked in some states, ICMP is one part per group of types conntrack gives them (IcmpStates).
        State = random.Next(3) == 0 ? new[] { ConntrackStates.New, ConntrackStates.New | ConntrackStates.Established, ConntrackStates.Related | ConntrackStates.Established }[random.Next(3)] : null,
    };

    private static string RandomDump(Random random)
    {
        var text = new StringBuilder("*filter\n:INPUT ACCEPT [0:0]\n");
        text.Append(random.Next(2) == 0 ? ":FORWARD ACCEPT [0:0]\n" : ":FORWARD DROP [0:0]\n");
        text.Append(":OUTPUT ACCEPT [0:0]\n:USER - [0:0]\n");
        for (var i = random.Next(1, 7); i > 0; i--) text.Append($"-A FORWARD {RandomMatches(random)}{RandomTarget(random, user: false)}\n");
        for (var i = random.Next(0, 4); i > 0; i--) text.Append($"-A USER {RandomMatches(random)}{RandomTarget(random, user: true)}\n");
        return text.Append("COMMIT\n").ToString();
    }

    private static string RandomMatches(Random random)
    {
        var text = new StringBuilder();
        switch (random.Next(5))
        {
            case 0:
                var proto = random.Next(2) == 0 ? "tcp" : "udp";
                text.Append($"-p {proto} -m {proto} ");
                if (random.Next(2) == 0) text.Append($"--sport {random.Next(0, 3) * 40}:{random.Next(80, 100)} ");
                if (random.Next(2) == 0) text.Append($"--dport {random.Next(0, 90)} ");
                if (proto == "tcp" && random.Next(2) == 0)
                    text.Append(new[] { "--syn ", "! --syn ", "--tcp-flags ALL NONE ", "--tcp-flags SYN,ACK SYN,ACK ", "! --tcp-flags ACK ACK " }[random.Next(5)]);
                break;
            case 1:
                text.Append("-p icmp ");
                if (random.Next(2) == 0) text.Append($"-m icmp --icmp-type {random.Next(0, 9)} ");
                break;
            case 2:
                text.Append(random.Next(2) == 0 ? "-p gre " : "! -p tcp ");
                break;
        }

        if (random.Next(3) == 0) text.Append($"-s 10.0.0.{random.Next(4)}/{random.Next(30, 33)} ");
        if (random.Next(3) == 0) text.Append(random.Next(4) switch { 0 => "-i eth0 ", 1 => "! -i eth1 ", 2 => "! -o br0 ", _ => "-o br+ " });
        if (random.Next(4) == 0) text.Append("-m conntrack --ctstate NEW ");
        if (random.Next(5) == 0) text.Append("-m mark --mark 0x1/0x1 ");
        return text.ToString();
    }

    private static string RandomTarget(Random random, bool user) => random.Next(user ? 7 : 6) switch
    {
        0 => "-j ACCEPT",
        1 => "-j DROP",
        2 => "-j REJECT --reject-with icmp-port-unreachable",
        3 => "-j MARK --set-xmark 0x1/0x1",
        4 => user ? "-j LOG" : "-j USER",
        5 => "",
        _ => "-j RETURN",
    };
}
