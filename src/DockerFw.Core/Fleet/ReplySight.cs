namespace DockerFw.Core.Fleet;

/// <summary>
/// Whether each host of a cell sees the connection's replies where it saw its requests (oracle F46,
/// across hosts). A cell has two hosts only: its way reaches only when the sender's route leads
/// straight to the receiver, its way back only when the receiver's leads straight back
/// (<see cref="UnderlayWay.Find"/>; any other way is undecided or blocked before a reply is asked),
/// and the containers at either end sit behind their own host. So both hosts see both directions but
/// where one of them is switched inside a bridge, which the host's conntrack sees only with
/// br_netfilter (bridge-nf-call-iptables, or the bridge's own nf_call_iptables). That happens when one
/// way is bridged (a layer-2 tunnel port) and the other routed, e.g. a receiver whose route back to the
/// sender's subnet is onto its own bridge with a gretap to the sender as a port, while the sender
/// routes the requests over the underlay:
/// <list type="bullet">
/// <item>the sender routed the requests and the replies come back bridged into its bridge: its
/// conntrack keeps the connection unreplied, so the requests' later packets are INVALID (TCP) or NEW
/// there (<see cref="Audit.Analysis.LaterPackets.Unconfirmed(Semantics.Symbolic.Box, Model.Values.ConntrackStates, Semantics.Symbolic.IntervalSet)"/>),
/// and no rule of its meets the replies;</item>
/// <item>the requests came bridged into the receiver's bridge and it routes the replies: its conntrack
/// sees the replies alone, a new connection (TCP's SYN,ACK and ICMP's replies INVALID, the rest NEW),
/// which fleet does not judge: undecided.</item>
/// </list>
/// </summary>
internal static class ReplySight
{
    /// <summary>
    /// Whether the sender's conntrack sees the replies that come back by <paramref name="back"/>: true
    /// but where they are switched into its bridge after it routed the requests, then whether that
    /// bridge's frames reach iptables (null: not recorded).
    /// </summary>
    public static bool? Sender(HostSummary sender, UnderlayWay way, UnderlayWay? back) =>
        way.Kind != WayKind.Bridged && back is { Kind: WayKind.Bridged, PeerInDevice: { } bridge } ? sender.Settings.BridgedTrafficFiltered(bridge) : true;

    /// <summary>Why the sender's conntrack does not (or may not) see the replies.</summary>
    public static string SenderWhy(HostSummary sender, HostSummary receiver, UnderlayWay back, bool? seen) =>
        $"{receiver.Name} sends the replies back bridged into {sender.Name}'s {back.PeerInDevice} ({Switched(receiver, back)}), "
        + (seen == false
            ? $"past {sender.Name}'s conntrack (bridge-nf-call-iptables is 0 on {sender.Name}), which saw the requests routed: the connections stay unreplied there, so their later packets are INVALID (TCP) or NEW"
            : $"and whether {sender.Name}'s conntrack sees them is not known ({sender.Name}'s bundle does not record bridge-nf-call-iptables): if not, the connections stay unreplied there, their later packets INVALID (TCP) or NEW");

    /// <summary>
    /// Whether the receiver's conntrack sees the requests as well as the replies it routes back: true
    /// but where the requests came switched into its bridge and the replies go back routed, then
    /// whether that bridge's frames reach iptables.
    /// </summary>
    public static bool? Receiver(HostSummary receiver, UnderlayWay way, UnderlayWay? back) =>
        way is { Kind: WayKind.Bridged, PeerInDevice: { } bridge } && back is { Reaches: true, Kind: not WayKind.Bridged } ? receiver.Settings.BridgedTrafficFiltered(bridge) : true;

    /// <summary>Why the receiver's side is undecided when its conntrack may see the replies alone.</summary>
    public static string ReceiverWhy(HostSummary receiver, UnderlayWay way, UnderlayWay back, bool? seen) =>
        $"{receiver.Name}'s conntrack sees the replies, routed back by '{(back.Route is { } r ? UnderlayWay.Text(r) : "no route")}', but "
        + (seen == false ? "not" : "perhaps not")
        + $" the requests, switched into its {way.PeerInDevice} from the tunnel port {way.PeerTunnel?.Name} (bridge-nf-call-iptables "
        + (seen == false ? "is 0" : "not recorded")
        + $" on {receiver.Name}): a reply with no request is a new connection to conntrack (TCP's SYN,ACK and ICMP's replies INVALID, the rest NEW), which fleet does not judge";

    private static string Switched(HostSummary receiver, UnderlayWay back) =>
        $"'{(back.Route is { } r ? UnderlayWay.Text(r) : "no route")}' onto {receiver.Name}'s bridge {back.OutDevice}, whose port {back.Tunnel?.Name} reaches it";
}
