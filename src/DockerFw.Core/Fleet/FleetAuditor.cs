using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Fleet;

/// <summary>
/// Judges a fleet one host at a time, in one pass: each host read keeps its summary (networks,
/// containers, addresses, links, routes: no rules) and its walks over every address its peers could
/// give its legs (<see cref="WideLegs"/>); once every summary is in, the plan's legs are cut from
/// those walks, and only a host whose plan asks a leg they do not cover is read again. Memory is
/// bounded by the largest host's rules, not the fleet's.
/// </summary>
public static class FleetAuditor
{
    /// <param name="hosts">One loader per host, called once (twice for a host read again); each returns the host read whole.</param>
    /// <param name="mergeFindings">
    /// One finding per code and sender's network, naming how many more cells raise it (the compact
    /// report), instead of one per cell (<c>--full</c>).
    /// </param>
    public static FleetReport Run(IReadOnlyList<Func<FleetHost>> hosts, bool mergeFindings = false)
    {
        // One pass: each host's summary, and its walks over every address its peers could give its legs (WideLegs).
        var read = hosts.Select(load =>
        {
            var host = load();
            var summary = host.Summary();
            return (Summary: summary, Walks: WideLegs.Judge(host, summary));
        }).ToList();
        var plan = new FleetPlan([.. read.Select(r => r.Summary)]);
        // Each host's walks, not each cell's legs: a cell's legs are cut from them when it is judged. A
        // host whose plan asks a leg its first walks do not cover is read again and walked for the plan.
        var answers = new Dictionary<string, LegAnswers>();
        for (var i = 0; i < hosts.Count; i++)
        {
            var (summary, walks) = read[i];
            answers[summary.Name] = HostLegs.Requests(plan, summary.Name).All(walks.Covers) ? walks : HostLegs.Judge(hosts[i](), plan);
        }

        return Report(plan, answers, mergeFindings);
    }

    /// <summary>The report of a plan whose hosts' legs are judged: its cells are judged as it is read.</summary>
    public static FleetReport Report(FleetPlan plan, IReadOnlyDictionary<string, LegAnswers> answers, bool mergeFindings)
    {
        var swarm = SwarmAcross.Judge(plan.SwarmNodes, answers);
        var weave = WeaveAcross.Judge(plan.WeaveNodes, answers);
        return new(plan.Hosts, plan.Routed, swarm, weave,
            kind => plan.Cells(kind).Select(new RowJudge(answers).Judge),
            () => new FindingsOfCells(CellFindings, mergeFindings),
            found => [.. SubnetOverlaps.Find(plan)
                .Concat(found.Cells)
                .Concat(found.Mtu)
                .Concat(FlannelPools.Find(plan.Hosts))
                .Concat(SwarmAcross.Findings(swarm))
                .Concat(WeaveAcross.Findings(weave))
                .Distinct()]);
    }

    private static IEnumerable<CellFinding> CellFindings(FleetCell cell)
    {
        var spec = cell.Spec;
        var way = spec.Way;
        ImmutableArray<string> hosts = [spec.Sender.Name, spec.Receiver.Name];
        if (way.Kind == WayKind.NoRoute)
            yield return new CellFinding(FleetCodes.NoRouteToPeer, hosts, () => NoRoute(spec));

        // The parts' shapes decide which findings; a part itself is read only for a message written
        // (merged: one per code and row) or its evidence.
        var shapes = cell.Shapes;
        for (var i = 0; i < shapes.Length; i++)
        {
            var (shape, index) = (shapes[i], i);
            CellPart Part() => cell.Parts[index];
            Decision Last() => Part().Decisions[^1];
            switch (shape.Outcome)
            {
                case CellOutcome.Blocked when shape.LastStage is LegStage.SenderForward or LegStage.ReceiverForward:
                    yield return new CellFinding(FleetCodes.CrossHostBlocked, hosts, () =>
                    {
                        var last = Last();
                        var (inDev, outDev) = Devices(spec, last.Stage!.Value, Part().Nat is not null);
                        return $"{spec.From} -> {spec.To}: {last.Host} turns away {Part().PacketsText} (decided by {last.Rule}); if the hosts' containers should talk, allow it on {last.Host}, e.g. {new RemedyCommand($"-i {inDev} -o {outDev} -s {spec.SourceBlock} -d {spec.DestinationBlock}", $"iifname \"{inDev}\" oifname \"{outDev}\" ip saddr {spec.SourceBlock} ip daddr {spec.DestinationBlock}").Accept(last.At, "DOCKER-USER")}";
                    }, () => [Last()]);
                    break;
                case CellOutcome.Blocked when shape.LastStage is LegStage.ReceiverReply or LegStage.SenderReply or LegStage.SenderLater or LegStage.ReceiverLater:
                    yield return new CellFinding(FleetCodes.CrossHostBlocked, hosts, () =>
                    {
                        var last = Last();
                        var (inDev, outDev) = Devices(spec, last.Stage!.Value, Part().Nat is not null);
                        var (what, them) = last.Stage is LegStage.SenderLater or LegStage.ReceiverLater
                            ? ($"lets the connections of {Part().PacketsText} open but drops their later packets (ESTABLISHED)", "them")
                            : ($"drops the replies of {Part().PacketsText}", "the replies");
                        // Later packets of connections the sender's conntrack never saw answered (ReplySight): not ESTABLISHED there.
                        if (last.Stage == LegStage.SenderLater && ReplySight.Sender(spec.Sender, way, Back(spec, Part().Nat is not null)) is var replied && replied != true)
                            return $"{spec.From} -> {spec.To}: {last.Host} lets the connections of {Part().PacketsText} open but drops their later packets, so no connection is made (decided by {last.Rule}): "
                                + $"{ReplySight.SenderWhy(spec.Sender, spec.Receiver, Back(spec, Part().Nat is not null)!, replied)}; let {last.Host}'s conntrack see the replies "
                                + $"(sysctl net.bridge.bridge-nf-call-iptables=1 on {last.Host}), or route {spec.Receiver.Name}'s replies to {spec.SourceBlock} back through {last.Host} as the requests came";
                        return $"{spec.From} -> {spec.To}: {last.Host} {what}, so no connection is made (decided by {last.Rule}); let {them} through on {last.Host}, e.g. {new RemedyCommand($"-i {inDev} -o {outDev} -m conntrack --ctstate RELATED,ESTABLISHED", $"iifname \"{inDev}\" oifname \"{outDev}\" ct state related,established").Accept(last.At, "DOCKER-USER")}";
                    }, () => [Last()]);
                    break;
                case CellOutcome.Blocked when shape.LastStage is LegStage.SenderOutput or LegStage.ReceiverInput or LegStage.ReceiverReplyOutput or LegStage.SenderReplyInput:
                    yield return new CellFinding(FleetCodes.TunnelBlocked, hosts,
                        () => $"{spec.From} -> {spec.To}: {Part().Reason}{(Last().Stage is LegStage.ReceiverReplyOutput or LegStage.SenderReplyInput ? ", so no connection is made" : "")} (decided by {Last().Rule}); accept them in {(Last().Stage is LegStage.SenderOutput or LegStage.ReceiverReplyOutput ? "OUTPUT" : "INPUT")} on {Last().Host}", () => [Last()]);
                    break;
                case CellOutcome.Reachable when shape.Nat:
                    yield return new CellFinding(FleetCodes.CrossHostMasqueraded, hosts,
                        () => $"{spec.From} -> {spec.To}: {spec.Sender.Name} masquerades {Part().PacketsText} on the way out ({Part().Nat}): {spec.Receiver.Name} sees {(way.MasqueradeSource is { } m ? IpAddressValue.Format(m, IpFamily.V4) : "the host")}, not the container, so its rules and logs cannot tell containers apart; except the peer's subnet before Docker's MASQUERADE, e.g. iptables -t nat -I POSTROUTING -s {spec.SourceBlock} -d {spec.DestinationBlock} -j RETURN{Unmasqueraded(spec)}");
                    break;
                case CellOutcome.Blocked when shape is { Decided: true, LastStage: null } && way.Reaches:
                    yield return new CellFinding(FleetCodes.NoRouteToPeer, hosts,
                        () => $"{spec.From} -> {spec.To}: {Part().Reason}; add a route on {Last().Host} back to {spec.From}");
                    break;
                case CellOutcome.Uncertain:
                    yield return new CellFinding(FleetCodes.CrossHostUndecided, hosts,
                        () => $"{spec.From} -> {spec.To}: {Part().PacketsText} undecided: {Part().Reason}");
                    break;
            }
        }
    }

    /// <summary>
    /// The devices a FORWARD stage of a cell's way sees its packets in and out by: the sender's bridge
    /// and its way out (its openings and later packets), the receiver's way in and its bridge (likewise),
    /// and for the replies the receiver's bridge and its way back, the sender's way back in and its bridge.
    /// </summary>
    private static (string? In, string? Out) Devices(CellSpec spec, LegStage stage, bool masqueraded) => stage switch
    {
        LegStage.SenderForward or LegStage.SenderLater => (spec.SenderBridge, spec.Way.OutDevice),
        LegStage.ReceiverReply => (spec.ReceiverBridge, Back(spec, masqueraded)?.OutDevice),
        LegStage.SenderReply => (Back(spec, masqueraded)?.PeerInDevice, spec.SenderBridge),
        _ => (spec.Way.PeerInDevice, spec.ReceiverBridge),
    };

    private static UnderlayWay? Back(CellSpec spec, bool masqueraded) => masqueraded ? spec.MasqueradedReplyWay : spec.ReplyWay;

    /// <summary>
    /// What DFW772's remedy changes besides the source: unmasqueraded, the replies go to the container's
    /// own address, by the receiver's route to it (<see cref="CellSpec.ReplyWay"/>), which need not be the
    /// way back to the sender's address. Where that way does not lead back, or brings the replies into the
    /// sender's bridge past its conntrack (<see cref="ReplySight"/>), the remedy alone would cost the
    /// connections (the fleet lab's asymmetric setup: TCP through an INVALID drop), so it says what to do first.
    /// </summary>
    private static string Unmasqueraded(CellSpec spec)
    {
        var back = spec.ReplyWay;
        if (back.Kind is WayKind.NoRoute or WayKind.OwnBridge)
            return $"; but the replies to the containers' own addresses would not come back ({back.Reason}): route {spec.Receiver.Name}'s replies to {spec.SourceBlock} to {spec.Sender.Name} first";
        if (back.Kind == WayKind.Elsewhere)
            return $"; but the replies to the containers' own addresses would go back another way, which fleet does not follow ({back.Reason}): route {spec.Receiver.Name}'s replies to {spec.SourceBlock} straight to {spec.Sender.Name} first";
        return ReplySight.Sender(spec.Sender, spec.Way, back) is var seen && seen != true
            ? $"; but then {ReplySight.SenderWhy(spec.Sender, spec.Receiver, back, seen)}: let {spec.Sender.Name}'s conntrack see them first (sysctl net.bridge.bridge-nf-call-iptables=1 on {spec.Sender.Name})"
            : "";
    }

    private static string NoRoute(CellSpec spec)
    {
        var peer = spec.Receiver.Addresses.FirstOrDefault(a => spec.Receiver.NetworkOnBridge(a.Interface) is null && a.Interface != "lo");
        var to = spec.Receiver.Networks.FirstOrDefault(n => n.Display == spec.To)?.Subnet;
        return $"{spec.Way.Reason}: {spec.From} cannot reach {spec.To}; add a route on {spec.Sender.Name}"
            + (peer is null ? "" : $", e.g. ip route add {to} via {IpAddressValue.Format(peer.Address, IpFamily.V4)}, or through a tunnel to it");
    }
}
