using System.Net;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The address lists the audit writes (<c>"198.51.100.1, 10.0.0.0/8, 10.1.0.1-10.1.0.9"</c>; a list
/// cut short ends <c>"and N more ranges"</c>) and whether one holds an address.
/// </summary>
public static class AddressList
{
    /// <summary>Whether the list holds <paramref name="address"/>; null when the list is cut short and what it shows does not.</summary>
    public static bool? Holds(string list, IPAddress? address)
    {
        if (address is null) return false;
        var cut = list.LastIndexOf(" and ", StringComparison.Ordinal);
        var shortened = cut > 0 && list.EndsWith(" more ranges", StringComparison.Ordinal);
        if (shortened) list = list[..cut];
        foreach (var item in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = item.IndexOf('-');
            if (dash > 0 && IPAddress.TryParse(item[..dash], out var first) && IPAddress.TryParse(item[(dash + 1)..], out var last))
            {
                if (Compare(first, address) <= 0 && Compare(address, last) <= 0) return true;
            }
            else if (IPNetwork.TryParse(item.Contains('/') ? item : $"{item}/{(item.Contains(':') ? 128 : 32)}", out var network) && network.Contains(address))
            {
                return true;
            }
        }

        return shortened ? null : false;
    }

    private static int Compare(IPAddress a, IPAddress b) =>
        a.AddressFamily != b.AddressFamily ? a.AddressFamily.CompareTo(b.AddressFamily) : a.GetAddressBytes().AsSpan().SequenceCompareTo(b.GetAddressBytes());
}
