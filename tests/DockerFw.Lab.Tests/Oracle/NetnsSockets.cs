using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// Sockets opened inside another network namespace by this process: a socket belongs for its whole life
/// to the namespace of the thread that created it, so a short-lived thread enters the namespace
/// (setns), creates the socket and ends. Servers and probes then need no program in the container
/// (busybox's nc has no UDP) and cost no process start, which matters on a 2-core machine.
/// </summary>
public static class NetnsSockets
{
    private const int CloneNewNet = 0x40000000;

    public static Socket Open(string netnsPath, AddressFamily family, SocketType type, ProtocolType protocol)
    {
        Socket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var ns = File.OpenHandle(netnsPath);
                if (setns(ns.DangerousGetHandle().ToInt32(), CloneNewNet) != 0)
                    throw new InvalidOperationException($"setns {netnsPath}: errno {Marshal.GetLastPInvokeError()}");
                socket = new Socket(family, type, protocol);
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return socket ?? throw new InvalidOperationException($"no socket in {netnsPath}", failure);
    }

    /// <summary>The source address the namespace's routing picks for <paramref name="destination"/> (a UDP connect sends nothing).</summary>
    public static IPAddress? SourceFor(string netnsPath, IPAddress destination)
    {
        using var socket = Open(netnsPath, destination.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Connect(new IPEndPoint(destination, 9));
            return ((IPEndPoint)socket.LocalEndPoint!).Address;
        }
        catch (SocketException)
        {
            return null; // no route: nothing leaves
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setns(int fd, int nstype);
}
