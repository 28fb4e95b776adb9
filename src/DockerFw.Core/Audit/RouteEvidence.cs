using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit;

/// <summary>
/// A route as evidence: what the host's routing does to a finding's packets before any rule sees them
/// (a published port's replies to clients it has no route to). <see cref="Type"/> is <c>unroutable</c>
/// for a blackhole, unreachable or prohibit route, with its <see cref="Destination"/>,
/// <see cref="Device"/>, <see cref="Gateway"/> and <see cref="Table"/> as <c>ip route</c> lists them;
/// <c>none</c> where no table the lookup reads has a route, and then <see cref="Destination"/> is the
/// addresses without one and the rest is null.
/// </summary>
public sealed record RouteEvidence(string Destination, string Type, string? Device, string? Gateway, string? Table)
{
    /// <summary>The route that sends nothing to <paramref name="clients"/>, or (null) the absence of any route to them.</summary>
    public static RouteEvidence Of(Semantics.Routing.Route? route, IntervalSet clients, IpFamily family) => route is null
        ? new(FlowText.Addresses(clients, IntervalSet.Range(0, family.AllOnes()), family) ?? (family == IpFamily.V4 ? "0.0.0.0/0" : "::/0"), "none", null, null, null)
        : new(route.Destination.ToString(), "unroutable", route.Device, route.Gateway is { } g ? IpAddressValue.Format(g, family) : null, route.Table);

    /// <summary>The route in <c>ip route</c>'s words, or that there is none.</summary>
    public string Text => Type == "none"
        ? $"no route to {Destination}"
        : $"unroutable {Destination}{(Gateway is null ? "" : $" via {Gateway}")}{(Device is null ? "" : $" dev {Device}")} table {Table}";
}
