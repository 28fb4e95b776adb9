using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Globalization;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Docker;

/// <summary>
/// Reads the kernel's route listings of a network namespace. <c>/proc/PID/net/route</c> (IPv4, the
/// main table): a header, then per route <c>Iface Destination Gateway Flags RefCnt Use Metric Mask MTU
/// Window IRTT</c>, addresses as hex of the little-endian word (<c>01511FAC</c> is 172.31.81.1).
/// <c>/proc/PID/net/ipv6_route</c> (every table, no header): <c>dest plen src splen nexthop metric
/// refcnt use flags device</c>, addresses as 32 hex digits, lengths and numbers hex. Routes not up or
/// of the reject kind (the IPv6 null entry <c>::/0 ... 00200200 lo</c> every namespace lists, which is
/// not a default route) are left out.
/// </summary>
public static class ProcRouteReader
{
    private const uint Up = 0x0001;
    private const uint Reject = 0x0200;

    /// <summary>Reads <c>/proc/PID/net/route</c>.</summary>
    public static ParseResult<ContainerRouteTable> ReadIpv4(string text, string file) => Read(text, file, IpFamily.V4);

    /// <summary>Reads <c>/proc/PID/net/ipv6_route</c>.</summary>
    public static ParseResult<ContainerRouteTable> ReadIpv6(string text, string file) => Read(text, file, IpFamily.V6);

    private static ParseResult<ContainerRouteTable> Read(string text, string file, IpFamily family)
    {
        var routes = ImmutableArray.CreateBuilder<ContainerRoute>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var fields = lines[i].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || (family == IpFamily.V4 && fields[0] == "Iface")) continue;
            var (route, flags, error) = family == IpFamily.V4 ? Ipv4Line(fields) : Ipv6Line(fields);
            if (error is not null)
                return new(null, [Semantics.Routing.RouteMessages.NotARouteListing(new SourceSpan(file, i + 1, 1), error)]);
            if ((flags & Up) != 0 && (flags & Reject) == 0) routes.Add(route!);
        }

        return new(new ContainerRouteTable(family, routes.ToImmutable()), []);
    }

    public static bool IsIpv4Line(string[] fields) => fields.Length == 11 && fields[1].Length == 8;

    public static bool IsIpv6Line(string[] fields) => fields.Length == 10 && fields[0].Length == 32;

    private static (ContainerRoute?, uint, string?) Ipv4Line(string[] f)
    {
        if (!IsIpv4Line(f)) return Bad($"expected a line of /proc/net/route (Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT), but got '{string.Join(' ', f)}'");
        if (!Hex32(f[1], out var destination) || !Hex32(f[2], out var gateway) || !Hex32(f[3], out var flags)
            || !long.TryParse(f[6], CultureInfo.InvariantCulture, out var metric) || !Hex32(f[7], out var mask))
            return Bad($"expected hex words in a line of /proc/net/route, but got '{string.Join(' ', f)}'");
        // The kernel prints the address's bytes in memory order as one word: little-endian hosts reverse them.
        var le = BitConverter.IsLittleEndian;
        uint Host(uint word) => le ? BinaryPrimitives.ReverseEndianness(word) : word;
        return (new ContainerRoute(new AddressMask(IpFamily.V4, Host(destination), Host(mask)), Host(gateway), f[0], metric), flags, null);
    }

    private static (ContainerRoute?, uint, string?) Ipv6Line(string[] f)
    {
        if (!IsIpv6Line(f)) return Bad($"expected a line of /proc/net/ipv6_route (dest plen src splen nexthop metric refcnt use flags device), but got '{string.Join(' ', f)}'");
        if (!UInt128.TryParse(f[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var destination)
            || !byte.TryParse(f[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var length) || length > 128
            || !UInt128.TryParse(f[4], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var gateway)
            || !Hex32(f[5], out var metric) || !Hex32(f[8], out var flags))
            return Bad($"expected hex fields in a line of /proc/net/ipv6_route, but got '{string.Join(' ', f)}'");
        return (new ContainerRoute(AddressMask.FromPrefix(IpFamily.V6, destination, length), gateway, f[9], metric), flags, null);
    }

    private static bool Hex32(string text, out uint value) =>
        uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);

    private static (ContainerRoute?, uint, string?) Bad(string message) => (null, 0, message);
}
