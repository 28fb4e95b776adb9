using BenchmarkDotNet.Attributes;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Bench;

/// <summary>
/// The audit's network-by-network reachability matrix on a generated host with 1,000 bridges: for each
/// bridge A one symbolic pass over "from A's subnet, in on A, out anywhere", then every region's
/// boxes tallied by output interface. Issue 3's goal: under 2 s and under 1 GB for all 1,000.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class ReachMatrixBenchmark
{
    private Core.Model.Ruleset _ruleset = null!;

    [Params(1000)]
    public int Bridges { get; set; }

    /// <summary>True: the host's addresses are known (the audit has them); false: addrtype stays undecided.</summary>
    [Params(true, false)]
    public bool AddressesKnown { get; set; }

    [GlobalSetup]
    public void Setup() => _ruleset = ReachDockerHost.Build(Bridges);

    [Benchmark]
    public int Matrix() => ReachMatrix.Compute(_ruleset, Bridges, AddressesKnown ? ReachDockerHost.Addresses(Bridges) : null).Cells;
}

/// <summary>The matrix itself: verdict bits (1 accept, 2 drop/reject, 4 maybe) per (from bridge, out symbol).</summary>
public sealed record ReachMatrix(byte[,] Verdicts, int Cells)
{
    public static ReachMatrix Compute(Core.Model.Ruleset ruleset, int bridges, EvaluationContext? context)
    {
        var compiled = SymbolicRuleset.Compile(ruleset, [new InterfacePattern("eth0")], context, ReachDetail.Verdicts);
        var alphabet = compiled.Space.Interfaces;
        var verdicts = new byte[bridges, alphabet.Count];
        var cells = 0;
        for (var a = 0; a < bridges; a++)
        {
            var query = new ReachQuery(PacketPath.Forward) { In = new(ReachDockerHost.Bridge(a)), Source = ReachDockerHost.Subnet(a) };
            var result = SymbolicEngine.Reach(compiled, query);
            foreach (var region in result.Regions)
            {
                var bit = region.Verdict switch { ReachVerdict.Accept => 1, ReachVerdict.Maybe => 4, _ => 2 };
                foreach (var box in region.Packets.Boxes)
                    foreach (var (first, last) in box[Dimension.Out].Ranges)
                        for (var o = (int)first; o <= (int)last; o++)
                        {
                            if (verdicts[a, o] == 0) cells++;
                            verdicts[a, o] |= (byte)bit;
                        }
            }
        }

        return new ReachMatrix(verdicts, cells);
    }
}
