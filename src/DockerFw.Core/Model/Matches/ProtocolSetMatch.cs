using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Model.Matches;

/// <summary>
/// nft <c>meta l4proto { tcp, udp }</c> with several members: the packet's protocol is one of them.
/// iptables has no form for it (one <c>-p</c> per rule); the negated form is read as one negated
/// <see cref="ProtocolMatch"/> per member instead.
/// </summary>
public sealed record ProtocolSetMatch(ImmutableArray<Protocol> Members) : Match(false)
{
    public override string Option => "l4proto";

    public string FormatValue() => "{ " + string.Join(", ", Members.Select(m => m.Name)) + " }";
}
