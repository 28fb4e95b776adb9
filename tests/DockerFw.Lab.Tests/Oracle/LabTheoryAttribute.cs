using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>As <see cref="LabFactAttribute"/>, for theories: skipped, with the reason, without root or Docker.</summary>
public sealed class LabTheoryAttribute : TheoryAttribute
{
    public LabTheoryAttribute()
    {
        if (!LabDaemon.IsRoot) Skip = "SKIPPED: the Docker lab needs root (network namespaces, dockerd); CI runs as root";
        else if (Processes.Run("sh", ["-c", "command -v dockerd && command -v docker && command -v busybox"]).ExitCode != 0)
            Skip = "SKIPPED: the Docker lab needs docker.io and busybox-static (.ci/run installs them)";
        Timeout = 0;
    }
}
