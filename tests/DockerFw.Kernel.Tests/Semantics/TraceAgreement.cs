using DockerFw.Core.Semantics;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>The engine agrees with the kernel when it counts the same rules and delivers the same way.</summary>
internal static class TraceAgreement
{
    public static bool Agrees(ProbeOutcome kernel, TraceResult trace) =>
        trace.Certain
        && kernel.Counted.SetEquals(trace.Matched.Select(r => new CountedRule(r.Table, r.Chain, r.Number)))
        && kernel.Arrived == (trace.Verdict == PacketVerdict.Accept);

    public static void Assert(ProbeOutcome kernel, TraceResult trace, string context) =>
        Xunit.Assert.True(Agrees(kernel, trace), $"kernel: {kernel}\ntrace:  {EngineView.Describe(trace)}\n{context}");
}
