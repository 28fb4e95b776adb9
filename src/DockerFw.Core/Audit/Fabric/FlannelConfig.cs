using System.Globalization;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Audit.Fabric;

/// <summary>
/// What flannel runs this host with: the cluster's pool (<c>FLANNEL_NETWORK</c>), the subnet leased to
/// this host (<c>FLANNEL_SUBNET</c>, which dockerd's <c>--bip</c> takes), the MTU of its device
/// (<c>FLANNEL_MTU</c>) and whether flanneld masquerades (<c>FLANNEL_IPMASQ</c>). Read from
/// <c>/run/flannel/subnet.env</c> when given, else inferred from the rules flanneld writes
/// (<see cref="Infer"/>), which name the pool and the lease but not the MTU.
/// </summary>
/// <param name="Source">Where it was read: <c>subnet.env</c>, or the rule it was inferred from.</param>
public sealed record FlannelConfig(AddressMask Network, AddressMask? Subnet, int? Mtu, bool? IpMasq, string Source)
{
    /// <summary>flanneld's chains (both written since flannel v0.11; older versions wrote their rules into FORWARD and POSTROUTING).</summary>
    public const string ForwardChain = "FLANNEL-FWD";

    public const string MasqueradeChain = "FLANNEL-POSTRTG";

    /// <summary>The device of flannel's default backend (vxlan, VNI 1): the routes to the other hosts' leases name it.</summary>
    public const string VxlanDevice = "flannel.1";

    /// <summary>Parses subnet.env (<c>KEY=value</c> lines, as flanneld's <c>WriteSubnetFile</c> writes them); null without FLANNEL_NETWORK.</summary>
    public static FlannelConfig? ParseEnv(string text)
    {
        var values = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#') && l.Contains('='))
            .Select(l => l.Split('=', 2)).GroupBy(p => p[0].Trim()).ToDictionary(g => g.Key, g => g.Last()[1].Trim().Trim('"'));
        if (!values.TryGetValue("FLANNEL_NETWORK", out var network) || Prefix(network) is not { } pool) return null;
        var subnet = values.TryGetValue("FLANNEL_SUBNET", out var s) ? Prefix(s) : null;
        int? mtu = values.TryGetValue("FLANNEL_MTU", out var m) && int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        bool? masq = values.TryGetValue("FLANNEL_IPMASQ", out var q) ? q == "true" : null;
        return new FlannelConfig(pool, subnet, mtu, masq, "subnet.env");
    }

    /// <summary>
    /// The pool and lease as flanneld's own rules name them. Every version since v0.11 writes, in nat
    /// FLANNEL-POSTRTG, <c>! -s POOL -d LEASE -j RETURN</c> (network/iptables.go, and
    /// pkg/trafficmngr/iptables/iptables.go since v0.25); v0.25 also <c>-s LEASE -d POOL -j RETURN</c>.
    /// Without them, FLANNEL-FWD's <c>-s POOL -j ACCEPT</c> names the pool alone. Null: no flannel here.
    /// </summary>
    public static FlannelConfig? Infer(Ruleset ruleset)
    {
        var masq = ruleset["nat"]?[MasqueradeChain];
        var fwd = ruleset["filter"]?[ForwardChain];
        if (masq is null && fwd is null) return null;
        foreach (var rule in masq?.Rules ?? [])
        {
            if (rule.Target is not VerdictTarget { Verdict: Verdict.Return }) continue;
            var (src, dst) = (Address(rule, AddressField.Source), Address(rule, AddressField.Destination));
            if (src is { Negated: true } && dst is { Negated: false } && Within(dst.Value, src.Value))
                return new FlannelConfig(src.Value, dst.Value, null, true, $"nat/{MasqueradeChain}#{rule.Number}");
            if (src is { Negated: false } && dst is { Negated: false } && Within(src.Value, dst.Value) && src.Value != dst.Value)
                return new FlannelConfig(dst.Value, src.Value, null, true, $"nat/{MasqueradeChain}#{rule.Number}");
        }

        foreach (var rule in fwd?.Rules ?? [])
            if (rule.Target is VerdictTarget { Verdict: Verdict.Accept } && Address(rule, AddressField.Source) is { Negated: false } pool
                && Address(rule, AddressField.Destination) is null)
                return new FlannelConfig(pool.Value, null, null, masq is null ? null : true, $"filter/{ForwardChain}#{rule.Number}");
        return null;
    }

    /// <summary>Whether a subnet lies wholly in another.</summary>
    public static bool Within(AddressMask inner, AddressMask outer) =>
        outer.Bounds.First <= inner.Bounds.First && inner.Bounds.Last <= outer.Bounds.Last;

    private static AddressMatch? Address(Rule rule, AddressField field) =>
        rule.Matches.OfType<AddressMatch>().FirstOrDefault(m => m.Field == field);

    // FLANNEL_SUBNET holds the gateway's address with the lease's length (10.5.94.1/24): the lease is its network.
    private static AddressMask? Prefix(string text)
    {
        var slash = text.IndexOf('/');
        if (slash < 0 || !IpAddressValue.TryParse(text[..slash], IpFamily.V4, out var address)
            || !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > 32) return null;
        return AddressMask.FromPrefix(IpFamily.V4, address & AddressMask.PrefixMask(IpFamily.V4, length), length);
    }
}
