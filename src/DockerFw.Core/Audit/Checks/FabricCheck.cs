using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Audit.Fabric;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Checks;

/// <summary>
/// Third-party fabrics on this host, from the rules their sources write (<see cref="FabricReport"/>):
/// flannel (docker0 inside the host's lease, its traffic to the rest of the pool not masqueraded and
/// let through FORWARD both ways) and Weave Net (Docker's bridges kept off the weave bridge, exposed
/// subnets let in). Every claim is the symbolic engine's over all the packets it is about; what the
/// rules cannot decide is said so (DFW289).
/// </summary>
public sealed class FabricCheck : IAuditCheck
{
    public string Name => "fabric";

    public IEnumerable<Finding> Run(AuditContext context)
    {
        if (FabricReport.Of(context) is not { } report) return [];
        return (report.Flannel is { } f ? Flannel(f) : []).Concat(report.Weave is { } w ? Weave(w) : []);
    }

    private static IEnumerable<Finding> Flannel(FlannelFacts facts)
    {
        var config = facts.Config;
        var lease = config.Subnet?.ToString() ?? "its lease";
        var pool = config.Network.ToString();
        var source = config.Source == "subnet.env" ? "subnet.env" : $"flanneld's rule {config.Source}";
        if (facts.Bridge is { Subnet: { } subnet } bridge && facts.OutsideLease)
            yield return Finding.Of(FindingCodes.FlannelBipOutsideLease,
                $"{bridge.Bridge} is on {subnet}, but flannel leased {lease} of the pool {pool} to this host ({source}): the other hosts route {lease} here, so they cannot reach the containers of {bridge.Bridge}, and " +
                (FlannelConfig.Within(subnet, config.Network) ? $"its addresses may be leased to another host. " : "their traffic leaves the pool. ") +
                "Start dockerd with flannel's values: --bip=${FLANNEL_SUBNET} --mtu=${FLANNEL_MTU} (from /run/flannel/subnet.env).",
                [bridge.Name]);
        if (facts.Bridge is not { } net || facts.Outbound is not { } outbound || facts.Inbound is not { } inbound) yield break;
        var others = $"the pool's other subnets ({pool} but {lease})";
        if (!outbound.Masqueraded.IsEmpty)
            yield return Finding.Of(FindingCodes.FlannelMasqueraded,
                $"{Share(outbound.Masqueraded, outbound)} from {net.Bridge} to {others} are masqueraded on the way out of {facts.Device}: the other hosts see this host's address, not the container's, so their rules and replies cannot tell containers apart. " +
                "flannel masquerades leaving the pool itself (FLANNEL-POSTRTG, ip-masq); start dockerd with --ip-masq=false (mk-docker-opts.sh writes it as DOCKER_OPT_IPMASQ), or except the pool before Docker's rule: " +
                $"iptables -t nat -I POSTROUTING -s {net.Subnet} -d {pool} -j RETURN.",
                [net.Name], evidence: outbound.Nat);
        foreach (var (answer, way, remedy) in new[]
        {
            (inbound, $"from {others} into {net.Bridge}", $"-i {facts.Device} -o {net.Bridge} -s {pool}"),
            (outbound, $"from {net.Bridge} to {others}", $"-i {net.Bridge} -o {facts.Device} -d {pool}"),
        })
        {
            if (!answer.Blocked.IsEmpty)
                yield return Finding.Of(FindingCodes.FlannelForwardBlocked,
                    $"{Share(answer.Blocked, answer)} {way} are turned away by FORWARD (evidence). flanneld accepts its pool in FLANNEL-FWD (-s/-d {pool} -j ACCEPT, jumped to from FORWARD); restore it (restart flanneld) or allow it before Docker's rules: iptables -I DOCKER-USER {remedy} -j ACCEPT.",
                    [net.Name], evidence: answer.Blocking);
            if (!answer.Undecided.IsEmpty) yield return Undecided($"whether new connections {way} pass", answer, [net.Name]);
        }
    }

    private static IEnumerable<Finding> Weave(WeaveFacts facts)
    {
        foreach (var (from, answer) in facts.FromDocker)
        {
            var passed = answer.Kept.Union(answer.Masqueraded);
            if (!passed.IsEmpty)
                yield return Finding.Of(FindingCodes.WeaveReachedFromDocker,
                    $"{Share(passed, answer)} from the containers of {from} reach the weave bridge: Weave Net's containers are open to them, past weave's own isolation (weave drops only docker0's, '-i docker0 -o weave -j DROP', or the network policy controller's WEAVE-NPC decides). " +
                    $"Drop them before the accepting rule (evidence): iptables -I DOCKER-USER -o {WeaveConfig.Bridge} ! -i {WeaveConfig.Bridge} -m conntrack --ctstate NEW -j DROP, or attach the containers to weave instead.",
                    [from], evidence: answer.Accepting);
            if (!answer.Undecided.IsEmpty) yield return Undecided($"whether the containers of {from} reach the weave bridge", answer, [from]);
        }

        foreach (var (cidr, answer) in facts.Exposed)
        {
            if (!answer.Blocked.IsEmpty)
                yield return Finding.Of(FindingCodes.WeaveExposeBlocked,
                    $"'weave expose' opened {cidr} to the host, but {Share(answer.Blocked, answer).ToLowerInvariant()} from outside into it are turned away by FORWARD (evidence): Docker's policy DROP refuses them unless WEAVE-EXPOSE accepts them ('-A WEAVE-EXPOSE -d {cidr} -j ACCEPT', which weave writes without NPC). Re-run 'weave expose', or allow it: iptables -I DOCKER-USER -o {WeaveConfig.Bridge} -d {cidr} -j ACCEPT.",
                    evidence: answer.Blocking);
            if (!answer.Undecided.IsEmpty) yield return Undecided($"whether new connections from outside reach the exposed {cidr}", answer, []);
        }
    }

    // All or some of the question's new connections, with the sources, destinations and input interfaces
    // (oracle F41: via eth0) of the part when only some.
    private static string Share(PacketSet part, FabricAnswer answer)
    {
        var whole = answer.Kept.Union(answer.Masqueraded).Union(answer.Blocked).Union(answer.Undecided);
        if (part.Subtract(whole).IsEmpty && whole.Subtract(part).IsEmpty) return "New connections";
        IntervalSet Side(PacketSet s, Dimension d) => s.Boxes.Aggregate(IntervalSet.Empty, (a, b) => a.Union(b[d]));
        var from = FlowText.Addresses(Side(part, Dimension.Src), Side(whole, Dimension.Src), IpFamily.V4);
        var to = FlowText.Addresses(Side(part, Dimension.Dst), Side(whole, Dimension.Dst), IpFamily.V4);
        var (partIn, wholeIn) = (Side(part, Dimension.In), Side(whole, Dimension.In));
        var via = answer.Space is { } space && !wholeIn.IsSubsetOf(partIn) ? PortClientsOf.Interfaces(partIn, wholeIn, space) : null;
        return "Some new connections" + (from is null ? "" : $" (from {from})") + (to is null ? "" : $" (to {to})") + (via is null ? "" : $" (via {via})");
    }

    private static Finding Undecided(string what, FabricAnswer answer, IEnumerable<string> networks) =>
        Finding.Of(FindingCodes.FabricUndecided,
            $"{what} depends on rules the engine cannot decide ({string.Join("; ", answer.Doubts.DefaultIfEmpty("undecidable matches"))}); check them by hand.",
            networks);
}
