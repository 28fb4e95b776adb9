using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Model.Matches;

/// <summary>
/// nft <c>iifname @set</c> or <c>oifname { "a", "veth*" }</c> with several members: the device's name
/// is one of them. iptables has no form for it (one <c>-i</c> per rule); the negated form is read as
/// one negated <see cref="InterfaceMatch"/> per member instead.
/// </summary>
public sealed record InterfaceSetMatch(Direction Direction, ImmutableArray<InterfacePattern> Members) : Match(false)
{
    public override string Option => Direction == Direction.In ? "iifname" : "oifname";

    public string FormatValue() => "{ " + string.Join(", ", Members.Select(m => m.Text)) + " }";
}
