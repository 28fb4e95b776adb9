using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Host;

/// <summary>Where the host's docker-proxy listeners come from.</summary>
public enum ProxyOrigin
{
    /// <summary>Read: live (<c>ss</c> and <c>ps</c> in the namespace) or from <c>--proxies FILE</c>.</summary>
    Read,

    /// <summary>Not read: one listener per binding of Docker's view, as Docker's default (userland-proxy on) runs them.</summary>
    Assumed,

    /// <summary>Not read, and no Docker view names the bindings.</summary>
    Unknown,
}

/// <summary>The docker-proxy listeners of a host and how they are known.</summary>
public sealed record ProxyListeners(ProxyOrigin Origin, ImmutableArray<ProxyListener> Listeners)
{
    public static ProxyListeners Unknown { get; } = new(ProxyOrigin.Unknown, []);

    public bool IsKnown => Origin != ProxyOrigin.Unknown;

    /// <summary>
    /// What Docker's default (<c>"userland-proxy": true</c>) runs for the view's bindings: one
    /// docker-proxy per binding, to the container's address of the binding's family (else its other
    /// one, as docker-proxy does for an IPv6 binding of an IPv4-only container). A binding without a
    /// host address is Docker's <c>0.0.0.0</c> and <c>::</c>, as 20.10 and later publish it.
    /// </summary>
    public static ProxyListeners AssumedFrom(DockerView view)
    {
        var listeners = ImmutableArray.CreateBuilder<ProxyListener>();
        foreach (var container in view.Containers.Where(c => c.Running))
            foreach (var port in container.Ports.Where(p => p.HostPort is not null))
                foreach (var (family, address) in HostAddresses(port.HostIp))
                    listeners.Add(new ProxyListener(port.Protocol, family, address, port.HostPort!.Value)
                    {
                        Target = TargetOf(container, family, port.ContainerPort),
                    });
        return new(ProxyOrigin.Assumed, [.. listeners.Distinct()]);
    }

    /// <summary>Listeners read without their container end (from <c>ss</c> alone) take it from Docker's view.</summary>
    public ProxyListeners CompletedFrom(DockerView view) => this with
    {
        Listeners = [.. Listeners.Select(l => l.Target is not null ? l : l with { Target = FromView(view, l) })],
    };

    private static ProxyTarget? FromView(DockerView view, ProxyListener listener) =>
        view.Containers.Where(c => c.Running)
            .SelectMany(c => c.Ports.Where(p => p.HostPort == listener.HostPort && p.Protocol == listener.Protocol
                    && HostAddresses(p.HostIp).Contains((listener.Family, listener.HostAddress)))
                .Select(p => TargetOf(c, listener.Family, p.ContainerPort)))
            .FirstOrDefault(t => t is not null);

    private static IEnumerable<(IpFamily, UInt128)> HostAddresses(string? hostIp)
    {
        if (hostIp is null or "") return [(IpFamily.V4, 0), (IpFamily.V6, 0)];
        if (IpAddressValue.TryParse(hostIp, IpFamily.V4, out var v4)) return [(IpFamily.V4, v4)];
        return IpAddressValue.TryParse(hostIp, IpFamily.V6, out var v6) ? [(IpFamily.V6, v6)] : [];
    }

    private static ProxyTarget? TargetOf(DockerContainer container, IpFamily family, int port)
    {
        var endpoint = container.Endpoints.FirstOrDefault(e => (family == IpFamily.V6 ? e.Ipv6 : e.Ipv4) is not null)
            ?? container.Endpoints.FirstOrDefault(e => e.Ipv4 is not null);
        if (endpoint is null) return null;
        return family == IpFamily.V6 && endpoint.Ipv6 is { } v6 ? new(IpFamily.V6, v6, port)
            : endpoint.Ipv4 is { } v4 ? new(IpFamily.V4, v4, port) : null;
    }
}
