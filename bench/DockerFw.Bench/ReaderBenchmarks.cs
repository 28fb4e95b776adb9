using BenchmarkDotNet.Attributes;
using DockerFw.Core.Model;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Bench;

/// <summary>Reading and writing a 100,000-rule kube-proxy-like dump (see docs/performance.md).</summary>
[MemoryDiagnoser]
public class ReaderBenchmarks
{
    private string text = "";
    private Ruleset ruleset = Ruleset.Empty(Core.Model.Values.IpFamily.V4);

    [Params(100_000)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        text = KubeProxyDump.Generate(Rules);
        ruleset = IptablesSaveReader.Read(text, "kube.iptables-save").Value!;
    }

    [Benchmark]
    public Ruleset? Read() => IptablesSaveReader.Read(text, "kube.iptables-save").Value;

    [Benchmark]
    public string Write() => IptablesSaveWriter.Write(ruleset);
}
