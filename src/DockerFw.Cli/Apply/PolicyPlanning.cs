using DockerFw.Cli.Input;
using DockerFw.Core.Host;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;

namespace DockerFw.Cli.Apply;

/// <summary>Reading a host and a policy into a plan, shared by plan and apply; problems go to stderr.</summary>
internal static class PolicyPlanning
{
    public static PolicyPlan? Plan(InputOptions input, string policyFile, HostLoader loader, TextWriter error)
    {
        var loaded = loader.Load(input);
        return LoadedHostReport.Write(loaded, error) ? Plan(loaded, policyFile, error) : null;
    }

    /// <summary>The plan of <paramref name="policyFile"/> on a host already loaded (and reported).</summary>
    public static PolicyPlan? Plan(LoadedHost loaded, string policyFile, TextWriter error)
    {
        // The plan is made for iptables-restore: the rules as iptables-save shows them.
        var v4 = loaded.IptablesOf(IpFamily.V4);
        if (v4 is null)
        {
            error.WriteLine("dockerfw: error: no IPv4 rules were read; a plan is made for iptables (IPv4)");
            return null;
        }

        if (PolicyFile.Read(policyFile, error) is not { } document) return null;
        var resolved = PolicyResolver.Resolve(document, loaded.Docker);
        if (!PolicyFile.Report(resolved.Diagnostics, error) || resolved.Value is null) return null;
        var v6 = loaded.IptablesOf(IpFamily.V6);
        var plan = PolicyPlanner.Plan(v4, v6, resolved.Value, loaded.Proxies);
        return PolicyFile.Report(plan.Diagnostics, error) ? plan.Value : null;
    }

    /// <summary>The plan that takes dockerfw's chain and its jumps away, in both families.</summary>
    public static PolicyPlan? Removal(InputOptions input, HostLoader loader, TextWriter error)
    {
        var loaded = loader.Load(input);
        if (!LoadedHostReport.Write(loaded, error)) return null;
        var v4 = loaded.IptablesOf(IpFamily.V4);
        if (v4 is null)
        {
            error.WriteLine("dockerfw: error: no IPv4 rules were read; nothing can be removed");
            return null;
        }

        return PolicyRemoval.Plan(v4, loaded.IptablesOf(IpFamily.V6));
    }

    /// <summary>
    /// A line saying that the plan replaces a policy applied earlier (dockerfw's chain already has
    /// rules, and the plan changes them), or null.
    /// </summary>
    public static string? Replaced(PolicyPlan plan)
    {
        var earlier = plan.Before["filter"]?[PolicyPlanner.Chain]?.Rules.Length ?? 0;
        if (earlier == 0 || plan.Diff.Length == 0) return null;
        return $"This plan replaces the policy applied earlier: {PolicyPlanner.Chain} has {earlier} rule(s) now and will have {plan.Rules.Length}.";
    }
}
