using System.Collections.Immutable;

namespace DockerFw.Core.Audit;

/// <summary>
/// Every finding code the audit raises, grouped like shellcheck's: DFW2xx isolation (DFW25x swarm and
/// overlay networks, DFW27x-28x third-party fabrics: flannel, Weave Net), DFW3xx icc,
/// DFW4xx NAT and masquerade, DFW5xx links and published ports, DFW6xx host, DFW7xx containers,
/// DFW9xx the host against a policy (<c>audit --policy</c>; DFW8xx are the policy file's own diagnostics).
/// Codes are stable: a code is never reused for another meaning. Each has a page in docs/findings/.
/// </summary>
public static class FindingCodes
{
    public static readonly FindingCode NetworksNotIsolated = new("DFW201", "isolation", FindingSeverity.High, "new connections pass from one bridge network into another");
    public static readonly FindingCode NetworksPartlyOpen = new("DFW202", "isolation", FindingSeverity.Medium, "some new connections pass from one bridge network into another");
    public static readonly FindingCode UnpublishedPortsReachable = new("DFW203", "isolation", FindingSeverity.Medium, "container ports that are not published are reachable from outside the host");

    public static readonly FindingCode SwarmPortBlocked = new("DFW250", "overlay", FindingSeverity.Medium, "a swarm port is blocked between the nodes");
    public static readonly FindingCode CleartextVxlanAccepted = new("DFW251", "overlay", FindingSeverity.High, "cleartext VXLAN to an encrypted overlay network is not dropped");
    public static readonly FindingCode EspBlocked = new("DFW252", "overlay", FindingSeverity.Medium, "IPsec ESP between the nodes of an encrypted overlay is blocked");
    public static readonly FindingCode IngressPortBlocked = new("DFW253", "overlay", FindingSeverity.Medium, "a service port of the routing mesh is NATed but the filter does not let it in");
    public static readonly FindingCode GwbridgeIccOn = new("DFW254", "overlay", FindingSeverity.Medium, "containers on docker_gwbridge reach each other, which Docker means to prevent");
    public static readonly FindingCode OverlayUndecided = new("DFW255", "overlay", FindingSeverity.Info, "an overlay fact depends on rules the engine cannot decide");

    public static readonly FindingCode FlannelBipOutsideLease = new("DFW270", "fabric", FindingSeverity.High, "the default bridge lies outside the subnet flannel leased to this host");
    public static readonly FindingCode FlannelMasqueraded = new("DFW271", "fabric", FindingSeverity.Medium, "traffic from docker0 to flannel's other subnets is masqueraded");
    public static readonly FindingCode FlannelForwardBlocked = new("DFW272", "fabric", FindingSeverity.High, "FORWARD turns away new connections between docker0 and flannel's pool");
    public static readonly FindingCode WeaveReachedFromDocker = new("DFW280", "fabric", FindingSeverity.High, "containers of a Docker bridge reach Weave Net's containers");
    public static readonly FindingCode WeaveExposeBlocked = new("DFW281", "fabric", FindingSeverity.Medium, "a subnet 'weave expose' opened is turned away from outside");
    public static readonly FindingCode FabricUndecided = new("DFW289", "fabric", FindingSeverity.Info, "a fabric fact depends on rules the engine cannot decide");

    public static readonly FindingCode IccNotEnforced = new("DFW301", "icc", FindingSeverity.High, "icc is off but containers of the network still reach each other");
    public static readonly FindingCode IccBlocked = new("DFW302", "icc", FindingSeverity.Low, "icc is on but the rules block traffic between containers of the network");
    public static readonly FindingCode IccAssumesBrNetfilter = new("DFW303", "icc", FindingSeverity.Info, "icc=false depends on bridge-nf-call-iptables, which is unknown");

    public static readonly FindingCode MasqueradeMissing = new("DFW401", "masquerade", FindingSeverity.Medium, "outbound traffic of a masquerading network is not NATed");
    public static readonly FindingCode MasqueradeUnwanted = new("DFW402", "masquerade", FindingSeverity.Medium, "outbound traffic of an internal or non-masquerading network is NATed");
    public static readonly FindingCode NatInsideBridge = new("DFW403", "masquerade", FindingSeverity.Medium, "traffic that stays on its bridge is NATed");
    public static readonly FindingCode NatForUnknownSubnet = new("DFW404", "masquerade", FindingSeverity.Low, "a MASQUERADE or SNAT rule covers a subnet no network owns");
    public static readonly FindingCode NoOutboundNat = new("DFW405", "masquerade", FindingSeverity.Low, "a NAT-mode network has no outbound NAT");
    public static readonly FindingCode MasqueradedRepliesDropped = new("DFW406", "masquerade", FindingSeverity.Medium, "a masqueraded network's connections out get no replies or carry no data");

    public static readonly FindingCode LinkMismatch = new("DFW501", "link", FindingSeverity.Medium, "a legacy link does not allow exactly the exposed ports both ways");
    public static readonly FindingCode StaleLink = new("DFW502", "link", FindingSeverity.Low, "link rules for a container that no longer exists");
    public static readonly FindingCode DnatWithoutContainer = new("DFW510", "published-port", FindingSeverity.Medium, "a DNAT rule forwards to an address no container has");
    public static readonly FindingCode PublishedPortBlocked = new("DFW511", "published-port", FindingSeverity.Medium, "a published port is NATed but the filter does not let it in");
    public static readonly FindingCode PublishedOnAllAddresses = new("DFW512", "published-port", FindingSeverity.Info, "a port is published on every host address");
    public static readonly FindingCode PublishedPortBypassesInput = new("DFW513", "published-port", FindingSeverity.High, "a published port is reachable although INPUT blocks it");
    public static readonly FindingCode PublishedPortNotNated = new("DFW515", "published-port", FindingSeverity.Medium, "a published port's connections are not NATed to its container");
    public static readonly FindingCode LoopbackPortReachable = new("DFW514", "published-port", FindingSeverity.Medium, "a port published on 127.0.0.1 is reachable from the network");
    public static readonly FindingCode DeclaredLinkBlocked = new("DFW530", "link", FindingSeverity.Medium, "a link Docker declares is blocked on its exposed ports");
    public static readonly FindingCode UndeclaredLink = new("DFW531", "link", FindingSeverity.Medium, "an opening with a link's shape that no link Docker declares explains");
    public static readonly FindingCode ProxyBypassesRestriction = new("DFW540", "proxy", FindingSeverity.Medium, "docker-proxy serves a published port to clients its forwarded way keeps out");

    public static readonly FindingCode ForwardPolicyAccept = new("DFW601", "host", FindingSeverity.Low, "filter FORWARD policy is ACCEPT");
    public static readonly FindingCode DockerUserNotHooked = new("DFW602", "host", FindingSeverity.Medium, "DOCKER-USER is missing or not jumped to from FORWARD");
    public static readonly FindingCode DockerUserNotFirst = new("DFW603", "host", FindingSeverity.Medium, "FORWARD decides some traffic before DOCKER-USER sees it");
    public static readonly FindingCode IpForwardOff = new("DFW604", "host", FindingSeverity.Medium, "net.ipv4.ip_forward is 0");
    public static readonly FindingCode SplitBackends = new("DFW605", "host", FindingSeverity.Medium, "rules are split across iptables-legacy and iptables-nft");
    public static readonly FindingCode DockerUserAcceptsAll = new("DFW606", "host", FindingSeverity.High, "DOCKER-USER accepts every new connection of the bridges");
    public static readonly FindingCode Approximated = new("DFW607", "host", FindingSeverity.Info, "rules the engine can only approximate");
    public static readonly FindingCode SubnetUnknown = new("DFW608", "host", FindingSeverity.Info, "a network's subnet is not visible");
    public static readonly FindingCode OtherBackendDrops = new("DFW609", "host", FindingSeverity.High, "the other iptables back end drops container traffic");
    public static readonly FindingCode AdminRuleNeverMatches = new("DFW610", "host", FindingSeverity.Medium, "an admin's rule on the forward path never matches");
    public static readonly FindingCode AdminRuleShadowed = new("DFW611", "host", FindingSeverity.Low, "an admin's rule on the forward path is shadowed by earlier rules");
    public static readonly FindingCode NoIpv6Rules = new("DFW630", "host", FindingSeverity.Medium, "Docker wrote no IPv6 rules for its dual-stack networks");
    public static readonly FindingCode AdminRuleMissesDnat = new("DFW612", "host", FindingSeverity.Medium, "an admin's rule matches a published port's host port, which DNAT rewrote before it");
    public static readonly FindingCode AdminRulesNotJudged = new("DFW613", "host", FindingSeverity.Info, "some of the admin's rules on the forward path could not be judged");

    public static readonly FindingCode HostNetworkMode = new("DFW701", "container", FindingSeverity.Low, "a container uses the host's network namespace");
    public static readonly FindingCode SharedNamespace = new("DFW702", "container", FindingSeverity.Info, "a container shares another container's network namespace");
    public static readonly FindingCode MultiNetwork = new("DFW703", "container", FindingSeverity.Info, "a container is attached to several networks and joins them");

    public static readonly FindingCode PolicyNotInForce = new("DFW901", "policy", FindingSeverity.High, "the policy is not in force: dockerfw's chain or its jump from DOCKER-USER is missing or never reached");
    public static readonly FindingCode PolicyForbiddenReachable = new("DFW902", "policy", FindingSeverity.High, "connections the policy forbids get through");
    public static readonly FindingCode PolicyAllowedBlocked = new("DFW903", "policy", FindingSeverity.Medium, "connections the policy allows are blocked");

    public static ImmutableArray<FindingCode> All { get; } =
    [
        NetworksNotIsolated, NetworksPartlyOpen, UnpublishedPortsReachable,
        SwarmPortBlocked, CleartextVxlanAccepted, EspBlocked, IngressPortBlocked, GwbridgeIccOn, OverlayUndecided,
        FlannelBipOutsideLease, FlannelMasqueraded, FlannelForwardBlocked, WeaveReachedFromDocker, WeaveExposeBlocked, FabricUndecided,
        IccNotEnforced, IccBlocked, IccAssumesBrNetfilter,
        MasqueradeMissing, MasqueradeUnwanted, NatInsideBridge, NatForUnknownSubnet, NoOutboundNat, MasqueradedRepliesDropped,
        LinkMismatch, StaleLink, DnatWithoutContainer, PublishedPortBlocked, PublishedOnAllAddresses, PublishedPortBypassesInput, LoopbackPortReachable, PublishedPortNotNated, DeclaredLinkBlocked, UndeclaredLink, ProxyBypassesRestriction,
        ForwardPolicyAccept, DockerUserNotHooked, DockerUserNotFirst, IpForwardOff, SplitBackends, DockerUserAcceptsAll, Approximated, SubnetUnknown, OtherBackendDrops,
        AdminRuleNeverMatches, AdminRuleShadowed, AdminRuleMissesDnat, AdminRulesNotJudged, NoIpv6Rules,
        HostNetworkMode, SharedNamespace, MultiNetwork,
        PolicyNotInForce, PolicyForbiddenReachable, PolicyAllowedBlocked,
    ];
}
