using DockerFw.Core.Audit.Analysis;

namespace DockerFw.Core.Audit.Checks;

/// <summary>
/// Same-bridge traffic passes exactly when the network says enable_icc=true. Effective icc is a NEW
/// connection between two container addresses of the subnet, bridged, traced by the engine; when
/// bridge-nf-call-iptables is 0 for the bridge, no rule sees that traffic and icc is effectively on.
/// </summary>
public sealed class IccCheck : IAuditCheck
{
    public string Name => "icc";

    public IEnumerable<Finding> Run(AuditContext context)
    {
        foreach (var (analysis, prefix) in context.Analysis().Families)
            foreach (var finding in Judge(analysis, prefix)) yield return finding;
    }

    private static IEnumerable<Finding> Judge(AuditAnalysis analysis, string prefix)
    {
        var rules = analysis.Inputs.Family == Model.Values.IpFamily.V4 ? "iptables" : "ip6tables";
        var sysctl = "bridge-nf-call-" + rules;
        foreach (var f in analysis.Networks)
        {
            var declared = f.Network.Network.EnableIcc;
            var name = f.Network.Name;
            if (!declared && f.IccEffective == true && f.BridgedTrafficFiltered == false)
                yield return Finding.Of(FindingCodes.IccNotEnforced,
                    $"{prefix}{name} has icc disabled, but {sysctl} is 0 for {f.Network.Bridge}: traffic between its containers never reaches {rules}, so they all reach each other. Set net.bridge.{sysctl}=1 (and load br_netfilter).",
                    [name]);
            else if (!declared && f.IccEffective == true)
                yield return Finding.Of(FindingCodes.IccNotEnforced,
                    $"{prefix}{name} has icc disabled, but its containers can still connect to each other: the rules accept the traffic before Docker's DROP. Remove or narrow the accepting rule (evidence).",
                    [name], evidence: f.IccEvidence);
            else if (declared && f.IccEffective == false)
                yield return Finding.Of(FindingCodes.IccBlocked,
                    $"{prefix}{name} has icc enabled, but the rules block new connections between its containers. If that is meant, declare it with com.docker.network.bridge.enable_icc=false; otherwise remove the blocking rule (evidence).",
                    [name], evidence: f.IccEvidence);
            else if (!declared && f.IccEffective == false && f.BridgedTrafficFiltered is null)
                yield return Finding.Of(FindingCodes.IccAssumesBrNetfilter,
                    $"{prefix}{name} has icc disabled, which only works when {sysctl} is 1; the audit assumed it is. Confirm with sysctl net.bridge.{sysctl} (or pass --sysctl).",
                    [name]);
        }
    }
}
