using DockerFw.Core.Model.Matches;

namespace DockerFw.Core.Semantics;

public enum NatKind
{
    Dnat,
    Redirect,
    Snat,
    Masquerade,
    Netmap,

    /// <summary>conntrack applying an existing connection's binding (or undoing it for a reply).</summary>
    Conntrack,
}

/// <summary>
/// One address translation the packet went through: which header field, to what (null when the
/// engine cannot know, e.g. MASQUERADE without the interface's address), and the rule that did it.
/// </summary>
public sealed record NatRewrite(NatKind Kind, AddressField Field, UInt128? Address, int? Port, RuleRef? Rule);
