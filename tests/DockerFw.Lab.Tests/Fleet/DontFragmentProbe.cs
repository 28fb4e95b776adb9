using System.Net;
using System.Net.Sockets;
using DockerFw.Lab.Tests.Oracle;

namespace DockerFw.Lab.Tests.Fleet;

/// <summary>
/// One UDP datagram of a given size with DF set, from a container's namespace to a socket in another
/// container's, as <c>ping -M probe -s</c> sends (busybox's ping, the lab image's, cannot set DF):
/// a router on the way whose next device is smaller answers "fragmentation needed" and drops it.
/// The DF is IP_PMTUDISC_PROBE's, which ignores what the sender learned of the path: each probe
/// tries the path afresh, whatever an earlier probe (or test) taught the container's namespace.
/// </summary>
public static class DontFragmentProbe
{
    private const int IpProtocol = 0, IpMtuDiscover = 10, IpPmtuDiscProbe = 3;

    /// <summary>Whether a datagram of <paramref name="size"/> bytes (IPv4 and UDP headers included) arrives.</summary>
    public static bool Arrives(string fromNetns, string toNetns, string toAddress, int size)
    {
        using var receiver = NetnsSockets.Open(toNetns, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Any, 0));
        receiver.ReceiveTimeout = 2000;
        var port = ((IPEndPoint)receiver.LocalEndPoint!).Port;
        using var sender = NetnsSockets.Open(fromNetns, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.SetRawSocketOption(IpProtocol, IpMtuDiscover, BitConverter.GetBytes(IpPmtuDiscProbe));
        var payload = new byte[size - 28];
        Random.Shared.NextBytes(payload);
        sender.SendTo(payload, new IPEndPoint(IPAddress.Parse(toAddress), port));
        var buffer = new byte[payload.Length + 1];
        try
        {
            return receiver.Receive(buffer) == payload.Length && buffer.AsSpan(0, payload.Length).SequenceEqual(payload);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            return false;
        }
    }
}
