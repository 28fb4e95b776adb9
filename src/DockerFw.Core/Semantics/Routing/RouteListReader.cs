using System.Collections.Immutable;
using System.Text.Json;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Semantics.Routing;

/// <summary>
/// Reads the JSON of <c>ip -j route show table all</c> (and of <c>ip -6 -j route show table all</c>):
/// an array of routes with <c>type</c> (absent for unicast), <c>dst</c> (<c>default</c>, an address or
/// a prefix), <c>gateway</c>, <c>dev</c>, <c>table</c> (absent for main), <c>metric</c>, <c>prefsrc</c>,
/// <c>protocol</c> and a multipath route's <c>nexthops</c>. Multicast routes do not decide where a unicast packet goes and are left out.
/// </summary>
public static class RouteListReader
{
    public static ParseResult<RoutingTable> Read(string json, string file)
    {
        try
        {
            using var document = JsonDocument.Parse(json.Trim().Length == 0 ? "[]" : json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                return Failed(file, "expected the JSON array of 'ip -j route show table all', but got a " + document.RootElement.ValueKind.ToString().ToLowerInvariant());
            var entries = document.RootElement.EnumerateArray().ToList();
            // "default" carries no address: the listing's family is the one its other routes name.
            var family = entries.Select(FamilyOf).FirstOrDefault(f => f is not null) ?? IpFamily.V4;
            var routes = new List<Route>();
            foreach (var entry in entries)
            {
                if (entry.ValueKind != JsonValueKind.Object) return Failed(file, "expected a route object, but got " + entry.ValueKind.ToString().ToLowerInvariant());
                if (Of(entry, family) is { } route) routes.Add(route);
            }

            return new ParseResult<RoutingTable>(new RoutingTable([.. routes], Complete: true), []);
        }
        catch (JsonException e)
        {
            return Failed(file, $"expected the JSON of 'ip -j route show table all': {e.Message}");
        }
    }

    /// <summary>Several listings (IPv4 and IPv6) as one table.</summary>
    public static RoutingTable Concat(IEnumerable<RoutingTable> tables)
    {
        var all = tables.ToList();
        return new([.. all.SelectMany(t => t.Routes)], Complete: true) { Rules = [.. all.SelectMany(t => t.Rules)] };
    }

    private static Route? Of(JsonElement entry, IpFamily family)
    {
        var type = Text(entry, "type") switch
        {
            null or "unicast" => RouteType.Unicast,
            "local" => RouteType.Local,
            "broadcast" => RouteType.Broadcast,
            "blackhole" or "unreachable" or "prohibit" => RouteType.Unroutable,
            "throw" => RouteType.Throw,
            "anycast" => RouteType.Anycast,
            _ => (RouteType?)null,
        };
        var dst = Text(entry, "dst");
        if (type is null || dst is null) return null;
        var destination = dst == "default" ? AddressMask.Any(family)
            : AddressMask.TryParse(dst, IpAddressValue.FamilyOf(dst.Split('/')[0]) ?? family, out var mask) ? mask : null;
        if (destination is null) return null;
        var gateway = Text(entry, "gateway") is { } g && IpAddressValue.FamilyOf(g) == destination.Family ? IpAddressValue.Parse(g, destination.Family) : (UInt128?)null;
        var metric = entry.TryGetProperty("metric", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : 0;
        var nexthops = entry.TryGetProperty("nexthops", out var hops) && hops.ValueKind == JsonValueKind.Array
            ? hops.EnumerateArray().Select(h => h.ValueKind == JsonValueKind.Object ? Text(h, "dev") : null).OfType<string>().ToImmutableArray()
            : [];
        // A route chosen by more than its destination: the type of service (tos, dsfield) or, for IPv6, the source (from).
        // (ip prints an IPv6 route's `from` under "src"; the preferred source is "prefsrc".)
        var selective = new[] { "tos", "dsfield", "src" }.Any(p => entry.TryGetProperty(p, out _));
        return new Route(type.Value, destination, Text(entry, "dev") ?? nexthops.FirstOrDefault(), gateway, Text(entry, "table") ?? "main", metric)
        {
            Nexthops = nexthops.Length > 1 ? nexthops : [],
            Selective = selective,
            PreferredSource = Text(entry, "prefsrc") is { } src && IpAddressValue.FamilyOf(src) == destination.Family ? IpAddressValue.Parse(src, destination.Family) : null,
            Kernel = Text(entry, "protocol") == "kernel",
        };
    }

    private static IpFamily? FamilyOf(JsonElement entry) =>
        entry.ValueKind != JsonValueKind.Object ? null
        : new[] { Text(entry, "dst")?.Split('/')[0], Text(entry, "gateway"), Text(entry, "prefsrc") }
            .OfType<string>().Select(IpAddressValue.FamilyOf).FirstOrDefault(f => f is not null);

    private static string? Text(JsonElement entry, string property) =>
        entry.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static ParseResult<RoutingTable> Failed(string file, string message) =>
        new(null, [RouteMessages.NotARouteListing(new SourceSpan(file, 1, 1), message)]);
}
