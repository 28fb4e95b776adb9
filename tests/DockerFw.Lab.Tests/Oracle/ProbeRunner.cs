using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// Runs probes concurrently with short timeouts: TCP and UDP from sockets made in the source namespace,
/// ICMP with the host's ping under nsenter (a few at a time: it is a process each).
/// </summary>
public static class ProbeRunner
{
    /// <summary>
    /// Runs every probe, then once more, with a longer wait, each that heard nothing: on a loaded 2-core
    /// machine a late answer must not pass for a drop.
    /// </summary>
    public static IReadOnlyList<ProbeResult> Run(IReadOnlyList<Probe> probes)
    {
        var first = Run(probes, TimeSpan.FromSeconds(1.5));
        var again = Run(first.Where(r => r.Outcome == Outcome.Silent).Select(r => r.Probe).ToList(), TimeSpan.FromSeconds(3))
            .ToDictionary(r => r.Probe);
        return first.Select(r => again.GetValueOrDefault(r.Probe, r)).ToList();
    }

    private static IReadOnlyList<ProbeResult> Run(IReadOnlyList<Probe> probes, TimeSpan wait)
    {
        using var pings = new SemaphoreSlim(6);
        using var sockets = new SemaphoreSlim(128);
        var tasks = probes.Select(p => p.Transport == Transport.Icmp
            ? Task.Run(async () => { await pings.WaitAsync(); try { return Ping(p, wait); } finally { pings.Release(); } })
            : Task.Run(async () => { await sockets.WaitAsync(); try { return await Exchange(p, wait); } finally { sockets.Release(); } }));
        return Task.WhenAll(tasks).GetAwaiter().GetResult();
    }

    private static async Task<ProbeResult> Exchange(Probe probe, TimeSpan wait)
    {
        var word = Encoding.ASCII.GetBytes($"dfw{Random.Shared.Next(100000, 999999)}");
        var type = probe.Transport == Transport.Tcp ? SocketType.Stream : SocketType.Dgram;
        var protocol = probe.Transport == Transport.Tcp ? ProtocolType.Tcp : ProtocolType.Udp;
        using var socket = NetnsSockets.Open(probe.NetnsPath, probe.Destination.AddressFamily, type, protocol);
        using var timeout = new CancellationTokenSource(wait);
        // Bound before connecting, so that the source port is known whatever happens (the reply's destination port).
        socket.Bind(new IPEndPoint(probe.Destination.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        try
        {
            // A connected UDP socket hears the ICMP port unreachable of an unused port as a refusal.
            await socket.ConnectAsync(new IPEndPoint(probe.Destination, probe.Port), timeout.Token);
            await socket.SendAsync(word, SocketFlags.None, timeout.Token);
            var buffer = new byte[64];
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return new ProbeResult(probe, buffer.AsSpan(0, n).SequenceEqual(word) ? Outcome.Echoed : Outcome.Silent, port);
        }
        catch (Exception e) when (probe.ConntrackNetns is not null && e is OperationCanceledException or SocketException)
        {
            return new ProbeResult(probe, LoopbackProbe.Answered(probe, port) ? Outcome.Echoed : Outcome.Silent, port);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
        {
            return new ProbeResult(probe, Outcome.Refused, port);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            return new ProbeResult(probe, Outcome.Silent, port);
        }
    }

    private static ProbeResult Ping(Probe probe, TimeSpan wait)
    {
        // busybox-static's ping: the lab's only dependency for ICMP (iputils is not installed on CI).
        var six = probe.Destination.AddressFamily == AddressFamily.InterNetworkV6;
        var run = Processes.Run("nsenter", [$"--net={probe.NetnsPath}", "busybox", six ? "ping6" : "ping", "-c", "1", "-W", wait.TotalSeconds > 2 ? "3" : "1", probe.Destination.ToString()], TimeSpan.FromSeconds(5));
        return new ProbeResult(probe, run.Ok ? Outcome.Echoed : Outcome.Silent);
    }

    public static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
