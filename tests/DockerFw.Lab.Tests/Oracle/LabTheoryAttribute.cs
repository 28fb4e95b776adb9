using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>As <see cref="LabFactAttribute"/>, for theories: skipped, with the reason, without root or Docker.</summary>
public sealed class LabTheoryAttribute : TheoryAttribute
{
    public LabTheoryAttribute()
    {
        Skip = LabRequirements.Missing;
        Timeout = 0;
    }
}
