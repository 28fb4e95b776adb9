using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Host;

/// <summary>
/// Addresses named after Docker's view, for <c>--src</c>/<c>--dst</c>: a container (<c>web</c>, or
/// <c>web@frontend</c> for its endpoint on one network) or a network (its subnet). Anything that
/// already is an address or a CIDR is left as it is.
/// </summary>
public static class DockerNames
{
    /// <summary>
    /// A source and a destination (either may be absent), each name resolved in the family the other
    /// side gives (an address or CIDR, else the other name's), else IPv4: the texts, or why a side
    /// names nothing.
    /// </summary>
    public static (string? Source, string? SourceError, string? Destination, string? DestinationError) ResolvePair(
        string? source, string? destination, DockerView view, bool single)
    {
        IpFamily? family = new[] { source, destination }.OfType<string>().Select(FamilyOf).FirstOrDefault(f => f is not null);
        var (from, fromError) = source is null ? (null, null) : Resolve(source, view, family, single);
        family ??= from is null ? null : FamilyOf(from);
        var (to, toError) = destination is null ? (null, null) : Resolve(destination, view, family, single);
        return (from, fromError, to, toError);
    }

    private static IpFamily? FamilyOf(string text) => IpAddressValue.FamilyOf(text.Split('/')[0]);

    /// <summary>The address or CIDR text a name stands for, or an error saying why it names none.</summary>
    /// <param name="family">The family wanted (the other side's), or null for IPv4 unless only IPv6 is there.</param>
    /// <param name="single">Only one address will do (trace): a network is refused.</param>
    public static (string? Text, string? Error) Resolve(string text, DockerView view, IpFamily? family, bool single)
    {
        if (IpAddressValue.FamilyOf(text.Split('/')[0]) is not null) return (text, null);
        var at = text.IndexOf('@');
        var (name, networkName) = at < 0 ? (text, null) : (text[..at], text[(at + 1)..]);

        if (view.ContainerByName(name) is { } container)
        {
            var endpoints = container.Endpoints.Where(e => networkName is null || e.Network == networkName).ToList();
            if (endpoints.Count == 0) return (null, $"container {name} has no endpoint on network {networkName}");
            if (endpoints.Count > 1) return (null, $"container {name} is on {string.Join(", ", endpoints.Select(e => e.Network))}: name one as {name}@NETWORK");
            var e = endpoints[0];
            var address = family == IpFamily.V6 ? e.Ipv6 : e.Ipv4 ?? (family is null ? e.Ipv6 : null);
            var of = family == IpFamily.V6 || e.Ipv4 is null ? IpFamily.V6 : IpFamily.V4;
            return address is { } a ? (IpAddressValue.Format(a, of), null) : (null, $"container {name} has no {(family == IpFamily.V6 ? "IPv6" : "IPv4")} address on {e.Network}");
        }

        if (networkName is null && view.NetworkByName(name) is { } network)
        {
            if (single) return (null, $"{name} is a network, which holds many addresses: name a container, or ask reach");
            var subnet = network.Subnets.FirstOrDefault(s => family is null || s.Network.Family == family);
            return subnet is null ? (null, $"network {name} has no {(family == IpFamily.V6 ? "IPv6" : "IPv4")} subnet") : (subnet.Network.ToString(), null);
        }

        return (null, $"'{text}' is neither an address nor a container or network Docker's view names");
    }
}
