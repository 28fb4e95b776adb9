using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics;

/// <summary>
/// One address configured on one of the host's interfaces (<c>ip -o addr</c>): it makes the address
/// LOCAL, its subnet's last address BROADCAST (IPv4, prefixes up to /30), and is what MASQUERADE and
/// REDIRECT use for that interface.
/// </summary>
public sealed record InterfaceAddress(string Interface, IpFamily Family, UInt128 Address, int PrefixLength)
{
    public UInt128? SubnetBroadcast
    {
        get
        {
            if (Family != IpFamily.V4 || PrefixLength > 30) return null;
            var mask = AddressMask.PrefixMask(Family, PrefixLength);
            return (Address & mask) | (~mask & Family.AllOnes());
        }
    }

    public UInt128 Network => Address & AddressMask.PrefixMask(Family, PrefixLength);
}
