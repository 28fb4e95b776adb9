namespace DockerFw.Kernel.Tests.Harness;

/// <summary>
/// A host behind a router of a test's own (a namespace linked to it by a veth pair, eth0 on its
/// side, the router its default gateway), and the first delivery through it: links just made may
/// lose the first packets while the neighbours are found.
/// </summary>
internal static class RoutedPeer
{
    /// <summary><paramref name="name"/> in the router with <paramref name="routerAddress"/>; eth0 in the peer with its addresses and a default route via <paramref name="gateway"/>.</summary>
    public static void Link(Netns router, string name, string routerAddress, Netns peer, IEnumerable<string> addresses, string gateway)
    {
        router.Exec("ip", "link", "add", name, "type", "veth", "peer", "name", "eth0", "netns", peer.Name).EnsureOk();
        router.Exec(["ip", "addr", "add", routerAddress, "dev", name, .. NoDad(routerAddress)]).EnsureOk();
        router.Exec("ip", "link", "set", name, "up").EnsureOk();
        foreach (var address in addresses) peer.Exec(["ip", "addr", "add", address, "dev", "eth0", .. NoDad(address)]).EnsureOk();
        peer.Exec("ip", "link", "set", "eth0", "up").EnsureOk();
        // ip takes the route's family from the gateway's address.
        peer.Exec("ip", "route", "add", "default", "via", gateway).EnsureOk();
    }

    /// <summary>Sends until <paramref name="arrived"/> counts a packet, for up to 5 s (ten tries).</summary>
    public static bool ArrivesWithin(Action send, Func<long> arrived)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            send();
            if (arrived() > 0) return true;
            Thread.Sleep(200);
        }

        return false;
    }

    // An IPv6 address is usable at once without duplicate address detection (IPv4 has none).
    private static string[] NoDad(string address) => address.Contains(':') ? ["nodad"] : [];
}
