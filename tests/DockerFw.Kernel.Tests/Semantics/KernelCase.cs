namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// A hand-written case: rules in the short form of <see cref="Harness.RulesetText"/>, one probe in
/// the form of <see cref="Harness.ProbeSpec"/>, and what the kernel is expected to do with it.
/// </summary>
public sealed record KernelCase(string Name, string[] Rules, string Probe, string Expected)
{
    public override string ToString() => Name;
}
