using System.Text.Json;

namespace DockerFw.Lab.Tests.Lab;

/// <summary>
/// Waits until no IPv6 address of the given namespaces is tentative: a new address answers only once
/// duplicate address detection is over (about a second after it is added), so a probe sent before
/// then reads silent whatever the rules say. Two lab tests failed so now and then (1 run in 5)
/// when they probed right after their containers started. Only interfaces that are up count: on a
/// bridge with no port (a network no running container is on) detection never starts, and its
/// address stays tentative for good (CI, oracle seed 3).
/// </summary>
public static class AddressSettling
{
    /// <summary>The command that lists a namespace's tentative IPv6 addresses, as JSON (<see cref="Pending"/> reads it).</summary>
    public static readonly string[] Listing = ["ip", "-6", "-j", "addr", "show", "tentative"];

    /// <summary><paramref name="tentative"/> gives each namespace's <c>ip -6 -j addr show tentative</c>; true once none lists an address on an interface that is up, false after 10 s.</summary>
    public static bool Wait(IReadOnlyList<Func<string>> tentative)
    {
        for (var i = 0; i < 50; i++)
        {
            if (tentative.All(list => Pending(list()).Count == 0)) return true;
            Thread.Sleep(200);
        }

        return false;
    }

    /// <summary>The interfaces that are up and hold a tentative address, from <c>ip -6 -j addr show tentative</c>.</summary>
    public static IReadOnlyList<string> Pending(string json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        return JsonDocument.Parse(json).RootElement.EnumerateArray()
            .Where(link => link.TryGetProperty("addr_info", out var a) && a.GetArrayLength() > 0
                && link.TryGetProperty("operstate", out var state) && state.GetString() is "UP" or "UNKNOWN")
            .Select(link => link.GetProperty("ifname").GetString()!).ToList();
    }

    /// <summary>The tentative IPv6 addresses of the namespace at <paramref name="netnsPath"/>, as JSON.</summary>
    public static Func<string> In(string netnsPath) =>
        () => Processes.Run("nsenter", [$"--net={netnsPath}", .. Listing]).Out;
}
