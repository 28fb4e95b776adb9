using System.Globalization;

namespace DockerFw.Lab.Tests.Lab;

/// <summary>
/// Real traffic between the lab's containers: busybox <c>nc</c> to an echo server (the word must come
/// back: a connection, not a SYN), <c>ping</c> with a one-second wait. Every probe is bounded.
/// </summary>
public sealed class Traffic(LabDaemon lab)
{
    private const int ConnectSeconds = 2;

    /// <summary>A container running an echo server on each port (busybox nc -ll ... -e cat), kept running.</summary>
    public string EchoServer(string name, string[] runFlags, params int[] ports)
    {
        var servers = string.Join(" & ", ports.Select(p => $"nc -ll -p {p.ToString(CultureInfo.InvariantCulture)} -e cat"));
        lab.MustDocker(["run", "-d", "--name", name, .. runFlags, LabDaemon.Image, "sh", "-c", servers + " & wait"]);
        return name;
    }

    public string Ip(string container, string network) =>
        lab.MustDocker("inspect", "-f", $"{{{{(index .NetworkSettings.Networks \"{network}\").IPAddress}}}}", container);

    public string Ip6(string container, string network) =>
        lab.MustDocker("inspect", "-f", $"{{{{(index .NetworkSettings.Networks \"{network}\").GlobalIPv6Address}}}}", container);

    /// <summary>Whether <paramref name="from"/> gets an echo back from <paramref name="host"/>:<paramref name="port"/> (TCP).</summary>
    public bool Connects(string from, string host, int port)
    {
        var word = $"dfw{Random.Shared.Next(100000, 999999)}";
        var run = lab.Docker("exec", from, "timeout", "4", "sh", "-c",
            $"echo {word} | nc -w {ConnectSeconds} {host} {port.ToString(CultureInfo.InvariantCulture)}");
        return run.Out.Contains(word, StringComparison.Ordinal);
    }

    /// <summary>
    /// As <see cref="Connects"/>, from a fixed source port: what a rule on <c>--sport</c> lets
    /// through. busybox nc ignores <c>-p</c> when it connects, so the host's netcat-openbsd runs in
    /// the container's network namespace.
    /// </summary>
    public bool ConnectsFrom(string from, int sourcePort, string host, int port)
    {
        var word = $"dfw{Random.Shared.Next(100000, 999999)}";
        var pid = lab.MustDocker("inspect", "-f", "{{.State.Pid}}", from);
        var run = Processes.Run("nsenter", ["-t", pid, "-n", "timeout", "4", "sh", "-c",
            $"echo {word} | nc.openbsd -w {ConnectSeconds} -p {sourcePort.ToString(CultureInfo.InvariantCulture)} {host} {port.ToString(CultureInfo.InvariantCulture)}"]);
        return run.Out.Contains(word, StringComparison.Ordinal);
    }

    public bool Pings(string from, string host) =>
        lab.Docker("exec", from, "ping", "-c", "1", "-W", "1", host).Ok;

    /// <summary>From the outside namespace to the lab host's uplink address (a published port seen from the LAN).</summary>
    public bool ConnectsFromOutside(string host, int port)
    {
        var word = $"dfw{Random.Shared.Next(100000, 999999)}";
        var run = lab.InOutside("timeout", "4", "sh", "-c",
            $"echo {word} | busybox nc -w {ConnectSeconds} {host} {port.ToString(CultureInfo.InvariantCulture)}");
        return run.Out.Contains(word, StringComparison.Ordinal);
    }

    /// <summary>From a container to the echo server outside: succeeds only when masqueraded (outside has no route back).</summary>
    public bool ReachesOutside(string from) => Connects(from, LabDaemon.OutsideAddress, LabDaemon.OutsidePort);

    /// <summary>Runs probes concurrently (a denied one costs its whole timeout) and returns their answers in order.</summary>
    public static bool[] All(params Func<bool>[] probes) =>
        Task.WhenAll(probes.Select(p => Task.Run(p))).GetAwaiter().GetResult();
}
