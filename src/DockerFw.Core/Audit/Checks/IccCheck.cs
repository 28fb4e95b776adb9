using DockerFw.Core.Audit.Analysis;

namespace DockerFw.Core.Audit.Checks;

/// <summary>
/// Same-bridge traffic passes exactly when the network says enable_icc=true. Effective icc is every
/// NEW packet from one container of the network to another, answered by the symbolic engine (on,
/// off, or partial with the flows); when bridge-nf-call-iptables is 0 for the bridge, no rule sees
/// that traffic and icc is effectively on. A partial icc on an icc=false network is a hole (DFW301);
/// a partial icc on an icc=true network is left to the report (admins narrow icc on purpose), unless
/// every flow it holds is one-way: then no connection completes, and it is blocked (DFW302).
/// </summary>
public sealed class IccCheck : IAuditCheck
{
    public string Name => "icc";

    public IEnumerable<Finding> Run(AuditContext context)
    {
        foreach (var (analysis, prefix) in context.Analysis().Families)
            foreach (var finding in Judge(analysis, prefix)) yield return finding;
    }

    /// <summary>
    /// A partial icc whose every flow is one-way: first packets pass, no reply does, so no connection
    /// between the network's containers completes: as blocked as "off" for anyone using it.
    /// </summary>
    private static bool OnlyOneWay(Effect icc) => icc.Partial && icc.Flows.Length > 0 && icc.Flows.All(flow => flow.Kind == ReplyFate.OneWay);

    /// <summary>A partial icc whose every flow is opening-only (oracle F38): openings and replies pass, no later packet does, so no connection carries data.</summary>
    private static bool OnlyOpenings(Effect icc) => icc.Partial && icc.Flows.Length > 0 && icc.Flows.All(flow => flow.Kind == ReplyFate.OpeningOnly);

    /// <summary>The flows a partial setting holds for, as the report lists them: <c>tcp/80 to 10.0.0.3</c>.</summary>
    public static string Flows(Effect effect) => string.Join(", ", effect.Flows.Select(FlowWords.Of));

    private static IEnumerable<Finding> Judge(AuditAnalysis analysis, string prefix)
    {
        var rules = analysis.Inputs.Family == Model.Values.IpFamily.V4 ? "iptables" : "ip6tables";
        var sysctl = "bridge-nf-call-" + rules;
        foreach (var f in analysis.Networks)
        {
            var declared = f.Network.Network.EnableIcc;
            var name = f.Network.Name;
            var effective = f.Icc.Whole;
            if (!declared && effective == true && f.BridgedTrafficFiltered == false)
                yield return Finding.Of(FindingCodes.IccNotEnforced,
                    $"{prefix}{name} has icc disabled, but {sysctl} is 0 for {f.Network.Bridge}: traffic between its containers never reaches {rules}, so they all reach each other. Set net.bridge.{sysctl}=1 (and load br_netfilter).",
                    [name]);
            else if (!declared && effective == true)
                yield return Finding.Of(FindingCodes.IccNotEnforced,
                    $"{prefix}{name} has icc disabled, but its containers can still connect to each other: the rules accept the traffic before Docker's DROP. Remove or narrow the accepting rule (evidence).",
                    [name], evidence: f.Icc.Evidence);
            else if (!declared && f.Icc.Partial)
                yield return Finding.Of(FindingCodes.IccNotEnforced,
                    $"{prefix}{name} has icc disabled, but some new connections between its containers still pass ({Flows(f.Icc)}): the rules accept them before Docker's DROP. Remove or narrow the accepting rule (evidence).",
                    [name], evidence: f.Icc.Evidence);
            else if (declared && (effective == false || OnlyOneWay(f.Icc) || OnlyOpenings(f.Icc)))
                yield return Finding.Of(FindingCodes.IccBlocked,
                    $"{prefix}{name} has icc enabled, but the rules block new connections between its containers{(effective == false ? "" : OnlyOneWay(f.Icc) ? $" (only first packets pass, their replies do not: {Flows(f.Icc)})" : $" (only the opening packets and their replies pass, the later packets (ESTABLISHED: the handshake's ACK, the data) do not: {Flows(f.Icc)})")}. If that is meant, declare it with com.docker.network.bridge.enable_icc=false; otherwise remove the blocking rule (evidence).",
                    [name], evidence: f.Icc.Evidence);
            else if (!declared && effective == false && f.BridgedTrafficFiltered is null)
                yield return Finding.Of(FindingCodes.IccAssumesBrNetfilter,
                    $"{prefix}{name} has icc disabled, which only works when {sysctl} is 1; the audit assumed it is. Confirm with sysctl net.bridge.{sysctl} (or pass --sysctl).",
                    [name]);
        }
    }
}
