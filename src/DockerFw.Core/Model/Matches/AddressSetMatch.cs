using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Model.Matches;

/// <summary>
/// nft <c>ip saddr { A, B/n }</c> or <c>ip daddr @name</c>: the address is one of the members. Unlike
/// <see cref="SetMatch"/> (an ipset, whose members live in the kernel) the members are in the dump;
/// <see cref="SetName"/> is null for an anonymous set.
/// </summary>
public sealed record AddressSetMatch(AddressField Field, string? SetName, ImmutableArray<AddressMask> Members, bool Negated) : Match(Negated)
{
    public override string Option => Field == AddressField.Source ? "saddr" : "daddr";

    public bool Contains(UInt128 address) => Members.Any(m => m.Contains(address));

    /// <summary>As nft writes the right-hand side: <c>@name</c>, or the members in braces.</summary>
    public string FormatValue() => SetName is { } name ? "@" + name : "{ " + string.Join(", ", Members) + " }";
}
