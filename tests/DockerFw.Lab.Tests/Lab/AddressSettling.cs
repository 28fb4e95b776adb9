namespace DockerFw.Lab.Tests.Lab;

/// <summary>
/// Waits until no IPv6 address of the given namespaces is tentative: a new address answers only once
/// duplicate address detection is over (about a second after it is added), so a probe sent before
/// then reads silent whatever the rules say. Two lab tests failed so now and then (1 run in 5)
/// when they probed right after their containers started.
/// </summary>
public static class AddressSettling
{
    /// <summary><paramref name="tentative"/> lists each namespace's tentative addresses (<c>ip -6 addr show tentative</c>); true once all are empty, false after 10 s.</summary>
    public static bool Wait(IReadOnlyList<Func<string>> tentative)
    {
        for (var i = 0; i < 50; i++)
        {
            if (tentative.All(list => string.IsNullOrWhiteSpace(list()))) return true;
            Thread.Sleep(200);
        }

        return false;
    }

    /// <summary>The tentative IPv6 addresses of the namespace at <paramref name="netnsPath"/>.</summary>
    public static Func<string> In(string netnsPath) =>
        () => Processes.Run("nsenter", [$"--net={netnsPath}", "ip", "-6", "addr", "show", "tentative"]).Out;
}
