using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Model.Matches;

/// <summary>
/// nft <c>icmp type { echo-reply, destination-unreachable }</c> (or <c>icmpv6</c>, or <c>@set</c>): the
/// ICMP type is one of <see cref="Types"/>. iptables has no form for several types in one match.
/// </summary>
public sealed record IcmpTypeSetMatch(IpFamily Family, ImmutableArray<int> Types, bool Negated) : Match(Negated)
{
    public override string Option => Family == IpFamily.V4 ? "icmp type" : "icmpv6 type";

    public string FormatValue() => "{ " + string.Join(", ", Types) + " }";
}
