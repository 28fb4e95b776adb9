using System.Net;
using System.Net.Sockets;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// TCP and UDP echo servers on a container's ports, listening in the container's namespace on every
/// address (IPv4 and IPv6 in one dual-mode socket) and answering with what they got.
/// </summary>
public sealed class EchoServers : IDisposable
{
    private readonly List<Socket> sockets = [];
    private readonly CancellationTokenSource stop = new();

    public void Tcp(string netnsPath, int port)
    {
        var listener = Bound(netnsPath, SocketType.Stream, ProtocolType.Tcp, port);
        listener.Listen(256);
        _ = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Socket client;
                try { client = await listener.AcceptAsync(stop.Token); }
                catch { return; }
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        var buffer = new byte[256];
                        try
                        {
                            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                            var n = await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                            if (n > 0) await client.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, timeout.Token);
                        }
                        catch
                        {
                            // a probe that gave up: nothing to answer
                        }
                    }
                });
            }
        });
    }

    public void Udp(string netnsPath, int port)
    {
        var socket = Bound(netnsPath, SocketType.Dgram, ProtocolType.Udp, port);
        _ = Task.Run(async () =>
        {
            var buffer = new byte[256];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var got = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.IPv6Any, 0), stop.Token);
                    await socket.SendToAsync(buffer.AsMemory(0, got.ReceivedBytes), SocketFlags.None, got.RemoteEndPoint, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (SocketException)
                {
                    // an ICMP error from an earlier peer: keep serving
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
            }
        });
    }

    // Dual-mode where the namespace has IPv6; IPv4 alone where Docker disabled it in the container.
    private Socket Bound(string netnsPath, SocketType type, ProtocolType protocol, int port)
    {
        Socket socket;
        try
        {
            socket = NetnsSockets.Open(netnsPath, AddressFamily.InterNetworkV6, type, protocol);
            socket.DualMode = true;
            socket.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
        }
        catch (Exception e) when (e is SocketException or InvalidOperationException)
        {
            socket = NetnsSockets.Open(netnsPath, AddressFamily.InterNetwork, type, protocol);
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
        }

        lock (sockets) sockets.Add(socket);
        return socket;
    }

    public void Dispose()
    {
        stop.Cancel();
        lock (sockets)
            foreach (var socket in sockets) socket.Dispose();
        stop.Dispose();
    }
}
