using BenchmarkDotNet.Attributes;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Bench;

/// <summary>
/// `reach` of the whole FORWARD query (compile, walk, regions) on dumps of
/// ../shared/corpus/real-world whose undecidable rules (addrtype, recent, MASQUERADE without the
/// host's addresses) fork most flows: the regions are built from tens of thousands of overlapping
/// doubtful flows (docs/performance.md, "reach over the real-world corpus"). Issue 14's bar: under
/// 2 s each as a whole process.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class ReachCorpusBenchmark
{
    private Core.Model.Ruleset _ruleset = null!;

    // TUM 25.07.2014: the dump that was last over the bar (its first DROP swept into 175,509 pieces before they merged).
    [Params("configs_sqrl_shorewall/2014_sep_iptables-saveakachan", "configs_medium-sized-company/iptables-save.iptables_mainfw_31.01.2016",
        "configs_chair_for_Network_Architectures_and_Services/iptables_25.07.2014")]
    public string Dump { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var corpus = Environment.GetEnvironmentVariable("DFW_CORPUS") ?? FindCorpus();
        _ruleset = IptablesSaveReader.Read(File.ReadAllText(Path.Combine(corpus, Dump)), Dump, IpFamily.V4).Value!;
    }

    [Benchmark]
    public int Reach()
    {
        var query = new ReachQuery(PacketPath.Forward);
        return SymbolicEngine.Reach(SymbolicRuleset.Compile(_ruleset, query.Interfaces), query).Regions.Length;
    }

    private static string FindCorpus()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "corpus", "real-world");
            if (Directory.Exists(candidate)) return candidate;
        }

        throw new DirectoryNotFoundException("../shared/corpus/real-world not found: set DFW_CORPUS");
    }
}
