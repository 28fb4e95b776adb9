using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Audit.Fabric;

/// <summary>
/// Weave Net on this host, as its router's rules show it (weaveworks/weave net/bridge.go
/// <c>configureIPTables</c> and net/expose.go): the bridge <c>weave</c>; filter FORWARD's rules at the
/// top (<c>-i docker0 -o weave -j DROP</c>, then either <c>-i weave -o weave -j ACCEPT</c> and
/// <c>-o weave -j WEAVE-EXPOSE</c>, or, with the network policy controller, <c>-o weave -j WEAVE-NPC</c>,
/// an NFLOG and <c>-o weave -j DROP</c>; then <c>-i weave ! -o weave -j ACCEPT</c> and the replies);
/// nat <c>POSTROUTING -j WEAVE</c>. <c>weave expose CIDR</c> gives the bridge an address and adds
/// <c>WEAVE-EXPOSE -d CIDR -j ACCEPT</c> (without NPC) and <c>WEAVE -s CIDR ! -d CIDR -j MASQUERADE</c>.
/// </summary>
/// <param name="Exposed">The subnets <c>weave expose</c> opened to the host (read from WEAVE-EXPOSE and the nat WEAVE chain).</param>
/// <param name="Npc">Whether the network policy controller decides what enters the bridge (FORWARD jumps to WEAVE-NPC).</param>
public sealed record WeaveConfig(ImmutableArray<AddressMask> Exposed, bool Npc)
{
    public const string Bridge = "weave";
    public const string ExposeChain = "WEAVE-EXPOSE";
    public const string NpcChain = "WEAVE-NPC";
    public const string NatChain = "WEAVE";

    /// <summary>Null when none of weave's chains is in the rules.</summary>
    public static WeaveConfig? Infer(Ruleset ruleset)
    {
        var filter = ruleset["filter"];
        var nat = ruleset["nat"];
        if (filter?[ExposeChain] is null && filter?[NpcChain] is null && nat?[NatChain] is null) return null;
        var exposed = (filter?[ExposeChain]?.Rules ?? [])
            .Where(r => r.Target is VerdictTarget { Verdict: Verdict.Accept })
            .Select(r => Address(r, AddressField.Destination))
            .Concat((nat?[NatChain]?.Rules ?? []).Where(r => r.Target is MasqueradeTarget && Address(r, AddressField.Destination) is { Negated: true })
                .Select(r => Address(r, AddressField.Source)))
            .Where(m => m is { Negated: false })
            .Select(m => m!.Value).Distinct().ToImmutableArray();
        var npc = filter?["FORWARD"]?.Rules.Any(r => r.Target is JumpTarget { Chain: NpcChain }) == true;
        return new WeaveConfig(exposed, npc);
    }

    private static AddressMatch? Address(Rule rule, AddressField field) =>
        rule.Matches.OfType<AddressMatch>().FirstOrDefault(m => m.Field == field);
}
