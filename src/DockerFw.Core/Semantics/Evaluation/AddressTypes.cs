using System.Collections.Immutable;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>
/// The route type of an address as <c>-m addrtype</c> sees it. IPv4 asks only the local routing
/// table, so an address is LOCAL or BROADCAST when the host has such an entry and UNICAST otherwise;
/// the host's addresses come from the context, and without them those three are "maybe".
/// </summary>
internal static class AddressTypes
{
    private static readonly string[] RouteDependent = ["LOCAL", "BROADCAST", "UNICAST"];

    public static Truth Has(UInt128 address, IpFamily family, string type, EvaluationContext context)
    {
        if (Fixed(address, family) is { } fixedType) return TruthExtensions.From(fixedType == type);
        if (!context.AddressesKnown)
            return family == IpFamily.V4 ? RouteDependent.Contains(type) ? Truth.Maybe : Truth.False
                : type is "LOCAL" or "UNICAST" or "UNREACHABLE" or "BLACKHOLE" or "PROHIBIT" or "ANYCAST" ? Truth.Maybe : Truth.False;

        var addresses = context.Addresses!.Value.Where(a => a.Family == family).ToList();
        if (addresses.Any(a => a.Address == address)) return TruthExtensions.From(type == "LOCAL");
        if (family == IpFamily.V6)
            return type == "LOCAL" ? Truth.False : type is "UNICAST" or "UNREACHABLE" or "BLACKHOLE" or "PROHIBIT" or "ANYCAST" ? Truth.Maybe : Truth.False;
        if (addresses.Any(a => a.SubnetBroadcast == address)) return TruthExtensions.From(type == "BROADCAST");

        // Kernels before 5.x also added a broadcast route for the network address itself.
        if (addresses.Any(a => a.PrefixLength <= 30 && a.Network == address))
            return type is "BROADCAST" or "UNICAST" ? Truth.Maybe : Truth.False;
        return TruthExtensions.From(type == "UNICAST");
    }

    /// <summary>Types that do not depend on the host: loopback, multicast, the limited broadcast.</summary>
    private static string? Fixed(UInt128 address, IpFamily family)
    {
        if (family == IpFamily.V4)
        {
            var a = (uint)address;
            if (a >> 24 == 0 || a == uint.MaxValue) return "BROADCAST";
            if (a >> 28 == 0xe) return "MULTICAST";
            if (a >> 24 == 127) return "LOCAL";
            return null;
        }

        if (address == 0) return "UNSPEC";
        if (address == 1) return "LOCAL";
        if (address >> 120 == 0xff) return "MULTICAST";
        return null;
    }
}

/// <summary><c>-m addrtype --src-type/--dst-type T[,T]</c>: holds when the address has any listed type.</summary>
internal sealed class AddrTypeCondition(AddrTypeMatch match) : Condition
{
    private readonly ImmutableArray<string> _types = [.. match.Types.Select(t => t.ToUpperInvariant())];

    public override Truth Test(Branch p, EvaluationContext context)
    {
        var source = match.Field == AddressField.Source;
        if (!p.Knows(source ? PacketFields.Source : PacketFields.Destination)) return Truth.Maybe;
        var address = source ? p.Source : p.Destination;
        var result = Truth.False;
        foreach (var type in _types)
        {
            var t = AddressTypes.Has(address, p.Family, type, context);
            if (t == Truth.True) return Truth.True.NegateIf(match.Negated);
            if (t == Truth.Maybe) result = Truth.Maybe;
        }

        return result.NegateIf(match.Negated);
    }

    public override string Doubt => "address type depends on the host's addresses (not given)";
}
