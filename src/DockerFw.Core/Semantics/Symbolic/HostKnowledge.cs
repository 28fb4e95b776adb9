using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>
/// What the <see cref="EvaluationContext"/> tells the symbolic engine, as sets of the address
/// dimension: the host's own addresses (loopback included) when known, and ipset members.
/// </summary>
internal sealed record HostKnowledge(IntervalSet? LocalAddresses, ImmutableDictionary<string, IntervalSet> IpSets)
{
    /// <summary>Interfaces with an address of the family, when the host's addresses are known.</summary>
    public ImmutableArray<string>? AddressedInterfaces { get; init; }

    public static HostKnowledge From(EvaluationContext context, IpFamily family)
    {
        IntervalSet? local = null;
        if (context.Addresses is { } addresses)
        {
            var loopback = family == IpFamily.V4
                ? RuleCompiler.Intervals(AddressMask.FromPrefix(family, (UInt128)127 << 24, 8))!
                : IntervalSet.Single(1);
            local = addresses.Where(a => a.Family == family)
                .Aggregate(loopback, (s, a) => s.Union(IntervalSet.Single(a.Address)));
        }

        var sets = context.IpSets.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.Where(m => m.Family == family)
            .Select(RuleCompiler.Intervals).Aggregate(IntervalSet.Empty, (s, m) => m is null ? s : s.Union(m)));
        return new HostKnowledge(local, sets)
        {
            AddressedInterfaces = context.Addresses is { } all ? [.. all.Where(a => a.Family == family).Select(a => a.Interface).Distinct()] : null,
        };
    }
}
