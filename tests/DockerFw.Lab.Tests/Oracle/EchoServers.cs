using System.Net;
using System.Net.Sockets;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// TCP and UDP echo servers on a container's ports, in the container's namespace (TCP on every address,
/// IPv4 and IPv6 in one dual-mode socket; UDP on each of its addresses), answering with what they got.
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

    /// <summary>
    /// One socket per address of the container: an answer leaves from the address the request was
    /// sent to, as a TCP answer does. (A socket on every address answers from the address its route
    /// picks, which for a multi-homed container is another network's, and the client's connected
    /// socket ignores it: a silence no firewall made.)
    /// </summary>
    public void Udp(string netnsPath, int port, IEnumerable<IPAddress> addresses)
    {
        foreach (var address in addresses) Udp(BoundTo(netnsPath, address, port));
    }

    private void Udp(Socket socket)
    {
        _ = Task.Run(async () =>
        {
            var buffer = new byte[256];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var any = socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
                    var got = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(any, 0), stop.Token);
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

    private Socket BoundTo(string netnsPath, IPAddress address, int port)
    {
        var socket = NetnsSockets.Open(netnsPath, address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        // IP_FREEBIND (SOL_IP 0, option 15; honoured by IPv6 sockets too): an IPv6 address still in
        // duplicate address detection cannot be bound otherwise.
        socket.SetRawSocketOption(0, 15, BitConverter.GetBytes(1));
        socket.Bind(new IPEndPoint(address, port));
        lock (sockets) sockets.Add(socket);
        return socket;
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
