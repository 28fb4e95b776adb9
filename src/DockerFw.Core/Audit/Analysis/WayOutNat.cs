using DockerFw.Core.Model;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The source NAT of a network's traffic out by some interfaces (oracle F60: an admin's <c>-o uplink0 -j SNAT</c>
/// before Docker's MASQUERADE, which takes the rest): <see cref="Via"/> in the masquerade flows' words
/// (<c>uplink0</c>, <c>any interface but uplink0</c>), <see cref="SnatTo"/> the address an SNAT gives there,
/// null where a MASQUERADE NATs (the out interface's own address).
/// </summary>
public sealed record WayOutNat(string Via, string? SnatTo)
{
    /// <summary>
    /// The address a source NAT gives: an SNAT's <c>--to-source</c> (a range as <c>first-last</c>), null for a
    /// MASQUERADE; false where it cannot be told (an SNAT with no address, as nft may list an xt one).
    /// </summary>
    public static bool TryAddress(Target target, IpFamily family, out string? address)
    {
        address = null;
        if (target is MasqueradeTarget) return true;
        if (target is not SnatTarget { To.First: { } first } snat) return false;
        address = IpAddressValue.Format(first, family)
            + (snat.To.Last is { } last && last != first ? "-" + IpAddressValue.Format(last, family) : "");
        return true;
    }
}
