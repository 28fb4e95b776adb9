using System.Text;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// Random rulesets and random probes, each judged by the kernel and by <c>PacketTracer</c>. One
/// case per seed (ruleset and probes both come from it), so a failure names the seed to replay.
/// The seeds are split over a few classes, each with its own topology, so they run in parallel.
/// </summary>
public abstract class RandomAgreementTests(TopologyFixture fixture)
{
    public const int ProbesPerRuleset = 6;
    public const int SeedsPerClass = 20;

    public static TheoryData<int> Seeds(int first) => new(Enumerable.Range(first, SeedsPerClass));

    protected void Check(int seed)
    {
        var random = new Random(seed);
        var rules = new RandomRuleset(random).Generate();
        var text = RulesetText.Build(rules);
        var topology = fixture.Topology;
        KernelProbe.Load(topology, text);
        var read = IptablesSaveReader.Read(text, $"seed-{seed}.iptables-save");
        Assert.True(read.Succeeded, $"seed {seed}: the reader refused a ruleset the kernel loaded:\n{string.Join('\n', read.Errors)}\n{text}");

        var disagreements = new StringBuilder();
        for (var i = 0; i < ProbesPerRuleset; i++)
        {
            var probe = RandomProbes.Next(random, topology);
            var kernel = KernelProbe.Send(topology, probe);
            var trace = EngineView.Trace(read.Value!, topology, probe);
            if (!TraceAgreement.Agrees(kernel, trace))
                disagreements.Append($"probe {i + 1}: {probe}\n  kernel: {kernel}\n  trace:  {EngineView.Describe(trace)}\n");
        }

        Assert.True(disagreements.Length == 0, $"seed {seed}: the trace disagrees with the kernel\n{disagreements}ruleset:\n{text}");
    }
}

public sealed class RandomAgreementA(TopologyFixture fixture) : RandomAgreementTests(fixture), IClassFixture<TopologyFixture>
{
    public static TheoryData<int> SeedsA() => Seeds(1000);

    [KernelTheory]
    [MemberData(nameof(SeedsA))]
    public void The_trace_agrees_with_the_kernel_on_random_rulesets(int seed) => Check(seed);
}

public sealed class RandomAgreementB(TopologyFixture fixture) : RandomAgreementTests(fixture), IClassFixture<TopologyFixture>
{
    public static TheoryData<int> SeedsB() => Seeds(2000);

    [KernelTheory]
    [MemberData(nameof(SeedsB))]
    public void The_trace_agrees_with_the_kernel_on_random_rulesets(int seed) => Check(seed);
}

public sealed class RandomAgreementC(TopologyFixture fixture) : RandomAgreementTests(fixture), IClassFixture<TopologyFixture>
{
    public static TheoryData<int> SeedsC() => Seeds(3000);

    [KernelTheory]
    [MemberData(nameof(SeedsC))]
    public void The_trace_agrees_with_the_kernel_on_random_rulesets(int seed) => Check(seed);
}
