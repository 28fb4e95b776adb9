namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The thirteenth stream's edits (<see cref="TamperCatalogue.DrawNat"/>, applied by
/// <c>TamperApplier.Nat.cs</c>): an admin's NAT rules beside Docker's, in iptables' nat and raw tables
/// and in a native nft table of nat chains.
/// </summary>
public static class NatTamperKinds
{
    /// <summary>A hand-written port forward appended to nat PREROUTING (not through Docker's DOCKER chain), no filter rule for it.</summary>
    public const string ForwardPort = "nat-prerouting-dnat-host-port-to-container";

    /// <summary>The same with the accept an admin adds for it in DOCKER-USER (Docker's filter may or may not let it in).</summary>
    public const string ForwardPortAccepted = "nat-prerouting-dnat-host-port-to-container-accepted";

    /// <summary>A new host port REDIRECTed to the host port a container publishes (docker-proxy's, where it runs).</summary>
    public const string RedirectToPublished = "nat-prerouting-redirect-host-port-to-published-port";

    /// <summary>A published host port REDIRECTed, before Docker's jump, to a local port nothing serves.</summary>
    public const string RedirectPublishedAway = "nat-prerouting-redirect-published-port-to-unserved-port";

    /// <summary>An SNAT to the second host address inserted before Docker's MASQUERADE of a network.</summary>
    public const string SnatBeforeMasquerade = "nat-postrouting-snat-before-masquerade";

    /// <summary>A RETURN for a network's subnet first in nat POSTROUTING: its masquerade is gone.</summary>
    public const string ReturnBeforeMasquerade = "nat-postrouting-return-before-masquerade";

    /// <summary>A RETURN first in nat PREROUTING: no published port is DNATed any more.</summary>
    public const string ReturnBeforeDocker = "nat-prerouting-return-before-docker";

    /// <summary>A RETURN of one published host port first in nat PREROUTING.</summary>
    public const string ReturnHostPort = "nat-prerouting-return-host-port";

    /// <summary>raw <c>CT --notrack</c> of a published host port: untracked packets are never NATed.</summary>
    public const string NotrackPublishedPort = "raw-notrack-published-port";

    /// <summary>raw <c>CT --notrack</c> of what a container sends: neither NEW nor ESTABLISHED, never masqueraded.</summary>
    public const string NotrackContainer = "raw-notrack-from-container";

    /// <summary>An nft <c>table ip adminnat</c> whose prerouting chain at priority -110 DNATs a new host port to a container.</summary>
    public const string NftDnatPort = "nft-adminnat-dnat-host-port-to-container";

    /// <summary>An nft <c>table ip adminnat</c> whose postrouting chain at <c>srcnat - 10</c> SNATs a network to the second host address.</summary>
    public const string NftSnat = "nft-adminnat-snat-before-masquerade";

    /// <summary>The kinds that forward a new host port to a container: probed from outside on each host IPv4 address (<see cref="AdminForwardPorts"/>).</summary>
    public static readonly IReadOnlyList<string> Forwards = [ForwardPort, ForwardPortAccepted, NftDnatPort];

    /// <summary>Every kind, in the order <see cref="TamperCatalogue.DrawNat"/> draws them.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        ForwardPort, ForwardPortAccepted, RedirectToPublished, RedirectPublishedAway, SnatBeforeMasquerade, ReturnBeforeMasquerade,
        ReturnBeforeDocker, ReturnHostPort, NotrackPublishedPort, NotrackContainer, NftDnatPort, NftSnat,
    ];
}
