namespace DockerFw.Kernel.Tests.Harness;

/// <summary>
/// Kernel tests create network namespaces and load rules into them, which needs root. Without root
/// they are reported as skipped with this reason, so a green run on a laptop never hides them.
/// </summary>
internal static class Root
{
    public static bool IsAvailable => Environment.IsPrivilegedProcess;

    public const string SkipReason =
        "KERNEL TESTS SKIPPED: they need root (network namespaces, iptables-restore). Run `sudo dotnet test` or the CI script.";
}

/// <summary>A fact that needs root: skipped loudly without it.</summary>
public sealed class KernelFactAttribute : FactAttribute
{
    public KernelFactAttribute()
    {
        if (!Root.IsAvailable) Skip = Root.SkipReason;
    }
}

/// <summary>A theory that needs root: skipped loudly without it.</summary>
public sealed class KernelTheoryAttribute : TheoryAttribute
{
    public KernelTheoryAttribute()
    {
        if (!Root.IsAvailable) Skip = Root.SkipReason;
    }
}
