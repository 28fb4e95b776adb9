namespace DockerFw.Lab.Tests.Lab;

/// <summary>
/// A lab scenario: needs root (namespaces, dockerd) and Docker's daemon. Without root it is reported
/// as skipped, with the reason, rather than passing silently.
/// </summary>
public sealed class LabFactAttribute : FactAttribute
{
    public LabFactAttribute()
    {
        if (!LabDaemon.IsRoot) Skip = "SKIPPED: the Docker lab needs root (network namespaces, dockerd); CI runs as root";
        else if (Processes.Run("sh", ["-c", "command -v dockerd && command -v docker && command -v busybox"]).ExitCode != 0)
            Skip = "SKIPPED: the Docker lab needs docker.io and busybox-static (.ci/run installs them)";
        Timeout = 0;
    }
}
