namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// One edit an admin (or another program) makes on top of Docker's rules. <see cref="Kind"/> is the
/// class (what the known-wrong-answer list and the figures count by); the network, container and port
/// names are resolved to bridges and addresses only when applied, so a shrunk list stays readable.
/// </summary>
public sealed record Tamper(string Kind, string? Network = null, string? Other = null, string? Container = null, int Port = 0, bool Conntrack = false)
{
    public override string ToString() =>
        Kind + (Network is null ? "" : " " + Network) + (Other is null ? "" : " -> " + Other) +
        (Container is null ? "" : " container " + Container) + (Port == 0 ? "" : $" port {Port}") + (Conntrack ? " (conntrack)" : "");
}

/// <summary>The kinds of tampering the generator draws from.</summary>
public static class TamperKinds
{
    public const string UserDropBetween = "docker-user-drop-between-networks";
    public const string UserAcceptBetween = "docker-user-accept-between-networks";
    public const string UserAcceptOneWay = "docker-user-accept-one-way";
    public const string UserAcceptPortInside = "docker-user-accept-port-inside-network";
    public const string UserDropContainerPort = "docker-user-drop-container-port";
    public const string UserDropHostPort = "docker-user-drop-host-port";
    public const string ForwardInsertAccept = "forward-insert-accept";
    public const string DeleteMasquerade = "delete-masquerade";
    public const string DeleteIsolation = "delete-isolation";
    public const string MoveIsolationReturn = "move-isolation-return";
    public const string DeleteLink = "delete-link";
    public const string NftDebianStock = "nft-debian-stock-inet-filter";
    public const string NftDropOtherPriority = "nft-drop-at-another-priority";
    public const string NftSetDrop = "nft-set-drop";
    public const string Ip6FilterLeftover = "ip6-filter-leftover";
    public const string BridgeNfOff = "sysctl-bridge-nf-call-iptables-0";
    public const string BridgeNfOffOneBridge = "sysctl-bridge-nf-call-iptables-0-one-bridge";
    public const string IpForwardOff = "sysctl-ip-forward-0";
    public const string LegacyDropBetween = "iptables-legacy-drop-between-networks";
    public const string LegacyDropContainerPort = "iptables-legacy-drop-container-port";
    public const string LegacyForwardPolicyDrop = "iptables-legacy-forward-policy-drop";
    public const string UfwEnabled = "ufw-enabled";
    public const string UfwDockerRecipe = "ufw-docker-after-rules";
    public const string UfwDenyHostPort = "ufw-deny-host-port";
    public const string UfwRouteAllowPort = "ufw-route-allow-container-port";
    public const string UfwRouteDenyBetween = "ufw-route-deny-between-networks";
    public const string UfwAllowRouted = "ufw-default-allow-routed";
    public const string IpsetDropToNetwork = "ipset-drop-to-network";
    public const string IpsetDropFromContainer = "ipset-drop-from-container";
    public const string FirewalldRunning = "firewalld-running";
    public const string FirewalldDockerZoneDrop = "firewalld-docker-zone-target-drop";
    public const string FirewalldPolicyReject = "firewalld-policy-reject";
    public const string FirewalldAddPort = "firewalld-add-port";
    public const string FirewalldAddService = "firewalld-add-service";
    public const string FirewalldRichRejectSource = "firewalld-rich-rule-reject-source";
    public const string FirewalldMasquerade = "firewalld-masquerade";
    public const string FirewalldForwardPort = "firewalld-forward-port";
    public const string UserDropEstablishedToPort = "docker-user-drop-established-to-container-port";
    public const string NftDropEstablishedToPort = "nft-drop-established-to-container-port";
    public const string UserDropEstablishedOut = "docker-user-drop-established-out-of-network";
    public const string UserNewOnlyToPort = "docker-user-new-only-to-container-port";
    public const string UplinkRecipe = "docker-user-uplink-recipe";
    public const string UplinkDropContainerPort = "docker-user-drop-from-uplink-to-container-port";
    public const string UplinkDropReplies = "docker-user-drop-replies-out-by-uplink";
    public const string NftUplinkDropHostPort = "nft-prerouting-drop-host-port-on-uplink";
    public const string InputUplinkDropHostPort = "input-drop-host-port-on-uplink";
    public const string RawDropToHostAddress = "raw-prerouting-drop-to-uplink-address";
    public const string RawDropToContainer = "raw-prerouting-drop-to-container";
    public const string MangleDropEstablishedOnUplink = "mangle-prerouting-drop-established-on-uplink";
    public const string RawDropInvalidOnUplink = "raw-prerouting-drop-invalid-on-uplink";
    public const string NftRawDropEstablishedOnUplink = "nft-raw-priority-drop-established-on-uplink";
    public const string CtOrigDstPortDrop = "docker-user-drop-by-ctorigdstport";
    public const string UplinkDropNotCtOrigDst = "docker-user-drop-on-uplink-not-ctorigdst";
    public const string MarkDropBetween = "mangle-mark-then-docker-user-drop-between-networks";
    public const string ConnmarkDropFromUplink = "mangle-connmark-from-uplink-then-docker-user-drop";
    public const string SynDropToPort = "docker-user-drop-syn-to-container-port";
    public const string PhysdevBridgedDrop = "docker-user-drop-physdev-is-bridged";
    public const string LengthDropToPort = "docker-user-drop-long-packets-to-container-port";
    public const string RecentDropOnUplink = "docker-user-drop-recent-list-on-uplink";
    public const string IpRangeDropToContainer = "docker-user-drop-iprange-to-container";
    public const string LimitToPort = "docker-user-rate-limit-to-container-port";
    public const string ScanFlagsDrop = "docker-user-drop-xmas-and-null-scans";
    public const string IcmpTimestampDrop = "docker-user-drop-icmp-timestamp-requests";
    public const string MarkedDrop = "docker-user-drop-marked-packets";
    public const string InvalidDrop = "docker-user-drop-invalid";
}
