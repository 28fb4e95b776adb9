using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// The hand-written cases, sent for real: first against what the case says (it pins what the
/// harness observes), then against <c>PacketTracer</c>, whose trace must list exactly the rules the
/// kernel counted and whose verdict is ACCEPT exactly when the packet arrived.
/// </summary>
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

    [KernelTheory]
    [MemberData(nameof(KernelCases.Names), MemberType = typeof(KernelCases))]
    public void The_trace_agrees_with_the_kernel(string name)
    {
        var (kernel, trace, context) = Judge(name);

        TraceAgreement.Assert(kernel, trace, context);
    }

    private (ProbeOutcome Kernel, DockerFw.Core.Semantics.TraceResult Trace, string Context) Judge(string name)
    {
        var @case = KernelCases.Named(name);
        var topology = fixture.Topology;
        var text = RulesetText.Build(@case.Rules);
        KernelProbe.Load(topology, text);
        var probe = ProbeSpec.Parse(topology, @case.Probe);

        var kernel = KernelProbe.Send(topology, probe);
        var trace = EngineView.Trace(IptablesSaveReader.Read(text, name).Value!, topology, probe);
        return (kernel, trace, $"{probe}\n{text}");
    }
}
