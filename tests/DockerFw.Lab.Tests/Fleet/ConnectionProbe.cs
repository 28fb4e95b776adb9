using System.Net;
using System.Net.Sockets;
using DockerFw.Lab.Tests.Oracle;

namespace DockerFw.Lab.Tests.Fleet;

/// <summary>
/// One connection between two containers' namespaces, opened by this process (<see cref="NetnsSockets"/>):
/// a word sent by the client must reach the server and come back. For TCP that is the handshake and
/// the requests' later packets (the client's data goes after its ACK; a client whose SYN,ACK arrived
/// believes it is connected even when its ACK dies). For UDP the client's socket is connected, so a
/// reply from another source (a MASQUERADE on the way back) is no reply. Each step waits two seconds
/// at most; everything is run in turn on this thread.
/// </summary>
public static class ConnectionProbe
{
    private const int WaitMs = 2000;

    public static bool Tcp(string clientNetns, string serverNetns, string serverAddress)
    {
        using var listener = NetnsSockets.Open(serverNetns, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 0));
        listener.Listen(1);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        using var client = NetnsSockets.Open(clientNetns, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.ReceiveTimeout = WaitMs;
        var word = Word();
        try
        {
            if (!client.ConnectAsync(IPAddress.Parse(serverAddress), port).Wait(WaitMs)) return false;
            client.Send(word);
            // The kernel finishes the handshake without accept(): the server is connected once the client's ACK arrived.
            if (!listener.Poll(WaitMs * 1000, SelectMode.SelectRead)) return false;
            using var served = listener.Accept();
            served.ReceiveTimeout = WaitMs;
            var buffer = new byte[64];
            var n = served.Receive(buffer);
            served.Send(buffer, n, SocketFlags.None);
            return Echoed(client, word);
        }
        catch (Exception e) when (e is SocketException or AggregateException)
        {
            return false;
        }
    }

    public static bool Udp(string clientNetns, string serverNetns, string serverAddress)
    {
        using var server = NetnsSockets.Open(serverNetns, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Any, 0));
        server.ReceiveTimeout = WaitMs;
        var port = ((IPEndPoint)server.LocalEndPoint!).Port;
        using var client = NetnsSockets.Open(clientNetns, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.ReceiveTimeout = WaitMs;
        var word = Word();
        try
        {
            client.Connect(IPAddress.Parse(serverAddress), port);
            client.Send(word);
            var buffer = new byte[64];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            var n = server.ReceiveFrom(buffer, ref from);
            server.SendTo(buffer, n, SocketFlags.None, from);
            return Echoed(client, word);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static byte[] Word() => System.Text.Encoding.ASCII.GetBytes($"dfw{Random.Shared.Next(100000, 999999)}");

    private static bool Echoed(Socket client, byte[] word)
    {
        var buffer = new byte[64];
        var n = client.Receive(buffer);
        return buffer.AsSpan(0, n).SequenceEqual(word);
    }
}
