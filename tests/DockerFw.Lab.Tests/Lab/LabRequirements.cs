namespace DockerFw.Lab.Tests.Lab;

/// <summary>
/// Why the Docker lab cannot run on this machine (null when it can), asked once per run: a lab test
/// without root or Docker is reported as skipped, with the reason, rather than passing silently.
/// </summary>
internal static class LabRequirements
{
    private static readonly Lazy<string?> Reason = new(Find);

    public static string? Missing => Reason.Value;

    private static string? Find() =>
        !LabDaemon.IsRoot ? "SKIPPED: the Docker lab needs root (network namespaces, dockerd); CI runs as root"
        : !Processes.Run("sh", ["-c", "command -v dockerd && command -v docker && command -v busybox"]).Ok
            ? "SKIPPED: the Docker lab needs docker.io and busybox-static (.ci/run installs them)"
            : null;
}
