using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Docker;

/// <summary>
/// <c>--container-routes FILE</c>: containers' own routing tables, saved from a host for an offline
/// audit. A line <c>container NAME</c> (or its id) opens a container; the lines under it are that
/// container's <c>/proc/PID/net/route</c> and/or <c>/proc/PID/net/ipv6_route</c> as the kernel prints
/// them, told apart by their shape. The IPv4 table counts as read where its header line
/// (<c>Iface Destination ...</c>) stands, so a table with no default route still says "none"; the
/// IPv6 table where any of its lines does (every namespace with IPv6 lists at least <c>::1</c>).
/// Lines starting with <c>#</c> and blank lines are skipped. For example:
/// <code>for c in $(docker ps -q); do echo "container $c"; p=$(docker inspect -f '{{.State.Pid}}' $c); cat /proc/$p/net/route /proc/$p/net/ipv6_route; done</code>
/// </summary>
public static class ContainerRoutesFile
{
    public static ParseResult<ImmutableDictionary<string, ImmutableArray<ContainerRouteTable>>> Read(string text, string file)
    {
        var tables = ImmutableDictionary.CreateBuilder<string, ImmutableArray<ContainerRouteTable>>(StringComparer.Ordinal);
        string? container = null;
        var (v4, v6) = (new List<string>(), new List<string>());
        var (v4Read, v6Read) = (false, false);
        var lines = text.Split('\n');
        for (var i = 0; i <= lines.Length; i++)
        {
            var line = i < lines.Length ? lines[i].TrimEnd('\r') : "container ";
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || fields[0].StartsWith('#')) continue;
            var at = new SourceSpan(file, i + 1, 1);
            if (fields[0] == "container")
            {
                if (container is not null)
                {
                    var read = ImmutableArray.CreateBuilder<ContainerRouteTable>();
                    if (v4Read) read.Add(ProcRouteReader.ReadIpv4(string.Join('\n', v4), file).Value!);
                    if (v6Read) read.Add(ProcRouteReader.ReadIpv6(string.Join('\n', v6), file).Value!);
                    tables[container] = read.ToImmutable();
                }

                if (i == lines.Length) break;
                if (fields.Length != 2) return Failed(at, $"expected 'container NAME', but got '{line.Trim()}'");
                (container, v4, v6, v4Read, v6Read) = (fields[1], [], [], false, false);
                continue;
            }

            if (container is null) return Failed(at, $"expected 'container NAME' before the routes, but got '{line.Trim()}'");
            if (fields[0] == "Iface")
            {
                v4Read = true;
                continue;
            }

            var ipv4 = ProcRouteReader.IsIpv4Line(fields);
            if (!ipv4 && !ProcRouteReader.IsIpv6Line(fields))
                return Failed(at, $"expected a line of /proc/PID/net/route or /proc/PID/net/ipv6_route, but got '{line.Trim()}'");
            var check = ipv4 ? ProcRouteReader.ReadIpv4(line, file) : ProcRouteReader.ReadIpv6(line, file);
            if (!check.Succeeded) return Failed(at, check.Diagnostics[0].Message);
            (ipv4 ? v4 : v6).Add(line);
            if (ipv4) v4Read = true;
            else v6Read = true;
        }

        return new(tables.ToImmutable(), []);
    }

    /// <summary>The view with each named container's tables (by name, or by its id or a prefix of 12 or more).</summary>
    public static DockerView Apply(DockerView view, IReadOnlyDictionary<string, ImmutableArray<ContainerRouteTable>> tables) =>
        tables.Count == 0 ? view : view with
        {
            Containers = [.. view.Containers.Select(c => Of(c, tables) is { } read ? c with { ObservedRoutes = read } : c)],
        };

    private static ImmutableArray<ContainerRouteTable>? Of(DockerContainer container, IReadOnlyDictionary<string, ImmutableArray<ContainerRouteTable>> tables) =>
        tables.TryGetValue(container.Name, out var byName) ? byName
        : tables.FirstOrDefault(t => t.Key.Length >= 12 && container.Id.StartsWith(t.Key, StringComparison.Ordinal)) is { Key: not null } byId ? byId.Value
        : null;

    private static ParseResult<ImmutableDictionary<string, ImmutableArray<ContainerRouteTable>>> Failed(SourceSpan at, string message) =>
        new(null, [Semantics.Routing.RouteMessages.NotARouteListing(at, message)]);
}
