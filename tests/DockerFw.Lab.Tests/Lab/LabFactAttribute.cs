namespace DockerFw.Lab.Tests.Lab;

/// <summary>A lab scenario: needs root (namespaces, dockerd) and Docker's daemon; skipped with the reason otherwise (<see cref="LabRequirements"/>).</summary>
public sealed class LabFactAttribute : FactAttribute
{
    public LabFactAttribute()
    {
        Skip = LabRequirements.Missing;
        Timeout = 0;
    }
}
