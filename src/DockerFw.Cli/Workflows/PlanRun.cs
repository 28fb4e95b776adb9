using DockerFw.Core.Remediation;

namespace DockerFw.Cli.Workflows;

/// <summary>One <c>dockerfw plan</c>: the plan that makes the host satisfy the policy in <see cref="PolicyFile"/> (proved, or it would not be here).</summary>
internal sealed record PlanRun(PolicyPlan Plan, string PolicyFile);
