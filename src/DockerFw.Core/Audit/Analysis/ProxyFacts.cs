using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using DockerFw.Core.Host;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// The audit's docker-proxy facts: the way through each listener of the host (<see cref="ProxyPath"/>),
/// computed once per audit and only when a check asks.
/// </summary>
public sealed class ProxyFacts
{
    private static readonly ConditionalWeakTable<AuditContext, ProxyFacts> Cache = new();

    private readonly Lazy<ImmutableArray<ProxyPath>> _paths;

    private ProxyFacts(AuditContext context)
    {
        Host = new ProxyHost(context.V4, context.Ipv6Read ? context.V6 : null, context.View.Networks, context.Proxies, context.Routes, context.IpSets);
        _paths = new(() => [.. context.Proxies.Listeners.Select(l => ProxyPath.Of(l, Host))]);
    }

    public static ProxyFacts Of(AuditContext context) => Cache.GetValue(context, c => new ProxyFacts(c));

    public ProxyHost Host { get; }

    public ProxyOrigin Origin => Host.Proxies.Origin;

    public ImmutableArray<ProxyPath> Paths => _paths.Value;

    /// <summary>
    /// What the report says about docker-proxy when its listeners were not read: assumed from
    /// Docker's view, or unknown while ports are published; null when they were read or nothing is published.
    /// </summary>
    public string? Notice(bool nothingPublished) => Origin switch
    {
        ProxyOrigin.Assumed when !Host.Proxies.Listeners.IsEmpty =>
            "docker-proxy listeners were not read (--proxies FILE: the output of 'ss -Hltunp'): assumed from Docker's view, one per published binding, as Docker's default (userland-proxy on) runs them",
        ProxyOrigin.Unknown when !nothingPublished =>
            "docker-proxy listeners are unknown (no Docker view names the bindings, and no --proxies FILE): ways to published ports through docker-proxy (clients of its [::] sockets, other networks' containers by the host's address) are not judged",
        _ => null,
    };

    /// <summary>
    /// docker-proxy's replies that may or may not come back (a multipath route whose devices' rules
    /// differ): no finding claims a maybe, but it is said, one line per listener and clients.
    /// </summary>
    public IEnumerable<string> ReplyDoubts() =>
        from path in Paths.Where(p => p.MayDeliver)
        from reach in path.Reaches.Where(r => !r.RepliesUncertain.IsEmpty)
        let space = Host.Of(path.Listener.Family)?.Rules.Space
        where space is not null
        let some = reach.RepliesUncertain.SameAs(reach.Packets) ? "every connection" : $"the connections {PortClientsOf.Connections(reach.RepliesUncertain, reach.Packets, space)}"
        select $"docker-proxy on {path.Listener.Endpoint} ({path.Listener.Protocol}/{path.Listener.HostPort}): its replies to {some} {(reach.From is null ? "from outside" : $"from {reach.Who}")} may be dropped in OUTPUT "
            + $"({string.Join("; ", reach.ReplyDoubts)}): they may be one-way (uncertain, not claimed dropped)";

    /// <summary>Words that say how the listeners are known, for a finding's message.</summary>
    public string Known => Origin == ProxyOrigin.Assumed
        ? " (docker-proxy assumed from Docker's view, as its default userland-proxy runs it: give --proxies FILE to read the host's)"
        : "";
}
