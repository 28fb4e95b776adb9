using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.RoundTrip;

// Three classes rather than one so xunit runs the corpus folders in parallel.

public sealed class SyntaxCorpusRoundTrip
{
    [KernelTheory]
    [MemberData(nameof(RoundTripCorpus.Syntax), MemberType = typeof(RoundTripCorpus))]
    public void The_kernel_loads_dockerfw_output_exactly_as_the_original(string dump) => KernelRoundTrip.Check(dump);
}

public sealed class DockerCorpusRoundTrip
{
    [KernelTheory]
    [MemberData(nameof(RoundTripCorpus.Docker), MemberType = typeof(RoundTripCorpus))]
    public void The_kernel_loads_dockerfw_output_exactly_as_the_original(string dump) => KernelRoundTrip.Check(dump);
}

public sealed class RealWorldCorpusRoundTrip
{
    [KernelTheory]
    [MemberData(nameof(RoundTripCorpus.RealWorld), MemberType = typeof(RoundTripCorpus))]
    public void The_kernel_loads_dockerfw_output_exactly_as_the_original(string dump) => KernelRoundTrip.Check(dump);
}
