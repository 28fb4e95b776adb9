using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Model.Matches;

/// <summary>
/// nft <c>ip saddr { A, B/n, C-D }</c> or <c>ip daddr @name</c> (a plain or <c>flags interval</c> set):
/// the address is one of the members. Unlike <see cref="SetMatch"/> (an ipset, whose members live in
/// the kernel) the members are in the dump; <see cref="SetName"/> is null for an anonymous set.
/// Like every <c>ip</c>/<c>ip6</c> payload match it implies the packet's family: in an <c>inet</c>
/// table an IPv6 packet never matches <c>ip saddr</c>, whether <c>==</c> or <c>!=</c>.
/// </summary>
public sealed record AddressSetMatch(AddressField Field, IpFamily Family, string? SetName, ImmutableArray<AddressMask> Members, bool Negated) : Match(Negated)
{
    /// <summary>Members written as a range (<c>10.0.0.5-10.0.0.9</c>), first and last included.</summary>
    public ImmutableArray<(UInt128 First, UInt128 Last)> Ranges { get; init; } = [];

    public override string Option => Field == AddressField.Source ? "saddr" : "daddr";

    public bool Contains(UInt128 address) => Members.Any(m => m.Contains(address)) || Ranges.Any(r => address >= r.First && address <= r.Last);

    /// <summary>As nft writes the right-hand side: <c>@name</c>, or the members in braces.</summary>
    public string FormatValue() => SetName is { } name
        ? "@" + name
        : "{ " + string.Join(", ", Members.Select(m => m.ToString()).Concat(Ranges.Select(r => $"{IpAddressValue.Format(r.First, Family)}-{IpAddressValue.Format(r.Last, Family)}"))) + " }";
}
