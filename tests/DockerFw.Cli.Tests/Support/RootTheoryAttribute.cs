namespace DockerFw.Cli.Tests.Support;

/// <summary>A theory that needs root, skipped with the reason otherwise (<see cref="RootFactAttribute"/>).</summary>
internal sealed class RootTheoryAttribute : TheoryAttribute
{
    public RootTheoryAttribute()
    {
        if (!RootFactAttribute.IsRoot) Skip = "SKIPPED: needs root (network namespaces and iptables); CI runs as root";
    }
}
