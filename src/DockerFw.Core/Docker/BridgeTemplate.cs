namespace DockerFw.Core.Docker;

/// <summary>
/// One of the rules Docker writes for each bridge network (../shared/docs/docker-rules.md §3-4). Each
/// layout writes a set of them for every bridge, never one alone: an internal network, which has
/// the fewest, gets three (its two DROPs and its icc rule). An admin's rule may have one of these
/// shapes; only several of them, together, tell Docker's bridge from an interface the admin names.
/// </summary>
internal enum BridgeTemplate
{
    /// <summary><c>-o BR -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT</c> (FORWARD up to 27, DOCKER-CT from 28.0.1).</summary>
    Replies,

    /// <summary><c>-o BR -j DOCKER</c> (FORWARD up to 27, DOCKER-BRIDGE from 28.0.1).</summary>
    ToDocker,

    /// <summary><c>-i BR ! -o BR -j ACCEPT</c> (FORWARD up to 28.0.0; DOCKER-FORWARD with icc off).</summary>
    Outgoing,

    /// <summary><c>-i BR -o BR -j ACCEPT|DROP</c>: icc, or an internal network's.</summary>
    Icc,

    /// <summary><c>-i BR -j ACCEPT</c>: 28's outgoing and icc in one (FORWARD in 28.0.0, DOCKER-FORWARD later).</summary>
    OutgoingAndIcc,

    /// <summary><c>DOCKER-ISOLATION-STAGE-1 -i BR ! -o BR -j DOCKER-ISOLATION-STAGE-2</c> (up to 28).</summary>
    IsolationFrom,

    /// <summary><c>DOCKER-ISOLATION-STAGE-2 -o BR -j DROP</c> (up to 28).</summary>
    IsolationTo,

    /// <summary>Before 17.06: <c>DOCKER-ISOLATION -i BR1 -o BR2 -j DROP</c>, which names two bridges.</summary>
    IsolationPair,

    /// <summary><c>DOCKER ! -i BR -o BR -j DROP</c> (28 on), <c>-j ACCEPT</c> for a nat-unprotected network.</summary>
    Unpublished,

    /// <summary>An internal network's <c>! -s SUB -o BR -j DROP</c> (IPv6 <c>! -i BR -o BR ! -s SUB</c>), in DOCKER-ISOLATION-STAGE-1 or DOCKER-INTERNAL.</summary>
    InternalIn,

    /// <summary>An internal network's <c>! -d SUB -i BR -j DROP</c> (IPv6 <c>-i BR ! -o BR ! -d SUB</c>).</summary>
    InternalOut,

    /// <summary>A routed network's <c>DOCKER-ISOLATION-STAGE-1 -i BR --ctstate RELATED,ESTABLISHED -j ACCEPT</c> (28).</summary>
    RoutedReplies,

    /// <summary>A routed network's <c>DOCKER-ISOLATION-STAGE-1 -o BR -j RETURN</c> (28).</summary>
    RoutedReturn,

    /// <summary>A routed network's <c>DOCKER -o BR -p icmp -j ACCEPT</c>.</summary>
    RoutedIcmp,

    /// <summary>A published port's <c>DOCKER -d CIP ! -i BR -o BR -p P --dport N -j ACCEPT</c>.</summary>
    PortAccept,

    /// <summary>A legacy link's <c>DOCKER -s A -d B -i BR -o BR -p P --dport|--sport N -j ACCEPT</c>.</summary>
    Link,

    /// <summary>nat <c>DOCKER -i BR -j RETURN</c>: no DNAT for what the bridge sends (up to 28).</summary>
    SkipDnat,

    /// <summary>nat <c>POSTROUTING -s SUB ! -o BR -j MASQUERADE</c> or <c>-j SNAT</c>: the outbound NAT.</summary>
    Masquerade,

    /// <summary>nat <c>POSTROUTING -o BR -m addrtype --src-type LOCAL -j MASQUERADE</c> (userland-proxy off).</summary>
    Hairpin,

    /// <summary>A published port's nat <c>DOCKER [-d HIP] ! -i BR -p P --dport N -j DNAT</c>.</summary>
    Dnat,
}
