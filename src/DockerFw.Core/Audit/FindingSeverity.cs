namespace DockerFw.Core.Audit;

/// <summary>How bad a finding is; <c>--fail-on</c> compares against this order.</summary>
public enum FindingSeverity
{
    Info,
    Low,
    Medium,
    High,
}
