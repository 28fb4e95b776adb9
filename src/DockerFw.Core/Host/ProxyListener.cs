using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Host;

/// <summary>Where docker-proxy sends what it accepts: the container's address and port (of either family).</summary>
public sealed record ProxyTarget(IpFamily Family, UInt128 Address, int Port)
{
    public override string ToString() => Endpoint(Family, Address, Port);

    /// <summary><c>172.17.0.2:80</c>, <c>[fd00::2]:80</c>.</summary>
    public static string Endpoint(IpFamily family, UInt128 address, int port) =>
        family == IpFamily.V6 ? $"[{IpAddressValue.Format(address, family)}]:{port}" : $"{IpAddressValue.Format(address, family)}:{port}";
}

/// <summary>
/// A socket docker-proxy listens on in the host's namespace: a published port served by a process.
/// What reaches it comes in through INPUT and goes on as a new connection from the host to
/// <see cref="Target"/> (OUTPUT), never through FORWARD or DOCKER-USER. <see cref="HostAddress"/> 0
/// is every address of the family (<c>0.0.0.0</c>, <c>::</c>).
/// </summary>
/// <param name="Protocol">tcp, udp or sctp.</param>
public sealed record ProxyListener(string Protocol, IpFamily Family, UInt128 HostAddress, int HostPort)
{
    /// <summary>The container end, from docker-proxy's arguments or Docker's view; null when neither says.</summary>
    public ProxyTarget? Target { get; init; }

    /// <summary>The process, when it was read live (or from a listing that names it).</summary>
    public int? Pid { get; init; }

    public bool OnEveryAddress => HostAddress == 0;

    public bool OnLoopback => Family == IpFamily.V4 ? HostAddress >> 24 == 127 : HostAddress == 1;

    /// <summary><c>0.0.0.0:8080</c>, <c>[::]:8080</c>.</summary>
    public string Endpoint => ProxyTarget.Endpoint(Family, HostAddress, HostPort);

    public override string ToString() => $"{Protocol} {Endpoint}" + (Target is null ? "" : $" -> {Target}");
}
