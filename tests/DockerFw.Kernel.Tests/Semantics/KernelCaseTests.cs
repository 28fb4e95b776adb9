using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>The hand-written cases against the kernel alone: they pin what the harness observes.</summary>
public sealed class KernelCaseTests(TopologyFixture fixture) : IClassFixture<TopologyFixture>
{
    [KernelTheory]
    [MemberData(nameof(KernelCases.Names), MemberType = typeof(KernelCases))]
    public void The_kernel_counts_and_delivers_as_the_case_says(string name)
    {
        var @case = KernelCases.Named(name);
        var topology = fixture.Topology;
        KernelProbe.Load(topology, RulesetText.Build(@case.Rules));

        var outcome = KernelProbe.Send(topology, ProbeSpec.Parse(topology, @case.Probe));

        Assert.True(@case.Expected == outcome.ToString(), $"{@case.Probe}\nexpected: {@case.Expected}\nkernel:   {outcome}");
    }
}
