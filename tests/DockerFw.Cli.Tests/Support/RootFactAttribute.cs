using System.Runtime.InteropServices;

namespace DockerFw.Cli.Tests.Support;

/// <summary>
/// A fact that needs root (network namespaces, iptables). Without root it is reported as skipped,
/// with the reason, rather than passing silently.
/// </summary>
internal sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!IsRoot) Skip = "SKIPPED: needs root (network namespaces and iptables); CI runs as root";
    }

    public static bool IsRoot => geteuid() == 0;

    [DllImport("libc")]
    private static extern uint geteuid();
}
