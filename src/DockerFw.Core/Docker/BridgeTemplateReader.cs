using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Docker;

/// <summary>
/// Which of Docker's per-bridge templates (<see cref="BridgeTemplate"/>) a rule is, and the bridge it
/// names: the chain the layout writes it in, the interfaces, nothing beside them but what the template
/// has (Docker writes no other condition, no comment, no wildcard), and the target.
/// </summary>
internal static class BridgeTemplateReader
{
    /// <summary>The template and the bridges it names (two for 17.x's isolation pair), or null.</summary>
    public static (BridgeTemplate Template, string Bridge, string? Other)? Read(Rule rule, bool nat, DockerLayout layout)
    {
        // Docker writes them in these chains only: a 100,000-rule dump's other rules cost a comparison.
        if (!(nat ? rule.Chain is "DOCKER" or "POSTROUTING" : rule.Chain == "FORWARD" || rule.Chain.StartsWith("DOCKER", StringComparison.Ordinal))) return null;
        var interfaces = rule.Matches.OfType<InterfaceMatch>().ToList();
        if (interfaces.Any(i => i.Value.IsWildcard)) return null;
        var @in = interfaces.FirstOrDefault(i => i.Direction == Direction.In);
        var @out = interfaces.FirstOrDefault(i => i.Direction == Direction.Out);
        if (interfaces.Count != (@in is null ? 0 : 1) + (@out is null ? 0 : 1)) return null;
        var rest = rule.Matches.Where(m => m is not InterfaceMatch).ToList();
        return nat ? Nat(rule, @in, @out, rest) : Filter(rule, @in, @out, rest, layout);
    }

    private static (BridgeTemplate, string, string?)? Filter(Rule rule, InterfaceMatch? @in, InterfaceMatch? @out, List<Match> rest, DockerLayout layout)
    {
        var chain = rule.Chain;
        var same = @in is not null && @out is not null && @in.Value.Text == @out.Value.Text;
        var bridge = (@in ?? @out)?.Value.Text;
        if (bridge is null) return null;
        var plainIn = @in is { Negated: false } && @out is null;
        var plainOut = @out is { Negated: false } && @in is null;
        var accepts = rule.Is(Verdict.Accept);
        var drops = rule.Is(Verdict.Drop);

        if (chain == layout.RepliesChain() && plainOut && accepts && IsReplies(rest)) return (BridgeTemplate.Replies, bridge, null);
        if (chain == layout.ToDockerChain() && plainOut && rule.JumpsTo("DOCKER") && rest.Count == 0) return (BridgeTemplate.ToDocker, bridge, null);
        if (chain == layout.ForwardChain() && rest.Count == 0)
        {
            if (same && @in is { Negated: false } && @out is { Negated: true } && accepts) return (BridgeTemplate.Outgoing, bridge, null);
            if (same && @in is { Negated: false } && @out is { Negated: false } && (accepts || drops)) return (BridgeTemplate.Icc, bridge, null);
            if (layout != DockerLayout.Classic && plainIn && accepts) return (BridgeTemplate.OutgoingAndIcc, bridge, null);
        }

        switch (chain)
        {
            case "DOCKER-ISOLATION-STAGE-1" when same && @in is { Negated: false } && @out is { Negated: true } && rest.Count == 0 && rule.JumpsTo("DOCKER-ISOLATION-STAGE-2"):
                return (BridgeTemplate.IsolationFrom, bridge, null);
            case "DOCKER-ISOLATION-STAGE-1" when plainIn && accepts && IsReplies(rest):
                return (BridgeTemplate.RoutedReplies, bridge, null);
            case "DOCKER-ISOLATION-STAGE-1" when plainOut && rule.Is(Verdict.Return) && rest.Count == 0:
                return (BridgeTemplate.RoutedReturn, bridge, null);
            case "DOCKER-ISOLATION-STAGE-2" when plainOut && drops && rest.Count == 0:
                return (BridgeTemplate.IsolationTo, bridge, null);
            case "DOCKER-ISOLATION" when @in is { Negated: false } && @out is { Negated: false } && !same && drops && rest.Count == 0:
                return (BridgeTemplate.IsolationPair, @in.Value.Text, @out.Value.Text);
            case "DOCKER-ISOLATION-STAGE-1" or "DOCKER-INTERNAL" when drops && Internal(@in, @out, rest) is { } template:
                return (template, bridge, null);
            case "DOCKER" when same && @in is { Negated: true } && @out is { Negated: false } && (accepts || drops) && rest.Count == 0:
                return (BridgeTemplate.Unpublished, bridge, null);
            case "DOCKER" when plainOut && accepts && rest is [ProtocolMatch { Negated: false, Value.Number: Protocol.Icmp or Protocol.IcmpV6 }]:
                return (BridgeTemplate.RoutedIcmp, bridge, null);
            case "DOCKER" when same && @out is { Negated: false } && accepts && IsPort(rest):
                return @in!.Negated ? (BridgeTemplate.PortAccept, bridge, null) : (BridgeTemplate.Link, bridge, null);
            default:
                return null;
        }
    }

    private static (BridgeTemplate, string, string?)? Nat(Rule rule, InterfaceMatch? @in, InterfaceMatch? @out, List<Match> rest)
    {
        if (rule.Chain == "DOCKER" && @in is { Negated: false } i && @out is null && rest.Count == 0 && rule.Is(Verdict.Return))
            return (BridgeTemplate.SkipDnat, i.Value.Text, null);
        if (rule.Chain == "DOCKER" && @in is { Negated: true } n && @out is null && rule.NatsDestination() && IsPort(rest))
            return (BridgeTemplate.Dnat, n.Value.Text, null);
        if (rule.Chain != "POSTROUTING" || @in is not null || @out is null) return null;
        if (@out.Negated && rule.NatsSource() && rest is [AddressMatch { Field: AddressField.Source, Negated: false }])
            return (BridgeTemplate.Masquerade, @out.Value.Text, null);
        if (!@out.Negated && rule.Target is MasqueradeTarget && rest is [AddrTypeMatch { Field: AddressField.Source, Negated: false, Types: ["LOCAL"] }])
            return (BridgeTemplate.Hairpin, @out.Value.Text, null);
        return null;
    }

    // An internal network's two DROPs: IPv4's name the bridge in one direction, IPv6's in both
    // (docs/docker-rules.md §4.7); either form is taken in either family.
    private static BridgeTemplate? Internal(InterfaceMatch? @in, InterfaceMatch? @out, List<Match> rest)
    {
        if (rest is not [AddressMatch { Negated: true } address]) return null;
        var both = @in is not null && @out is not null && @in.Value == @out.Value;
        var inward = (@in is null || both && @in.Negated) && @out is { Negated: false };
        var outward = (@out is null || both && @out.Negated) && @in is { Negated: false };
        return address.Field == AddressField.Source && inward ? BridgeTemplate.InternalIn
            : address.Field == AddressField.Destination && outward ? BridgeTemplate.InternalOut
            : null;
    }

    private static bool IsReplies(List<Match> rest) =>
        rest is [ConntrackStateMatch { Negated: false, States: ConntrackStates.Related | ConntrackStates.Established }];

    // A published port's or a link's conditions: addresses, a protocol and its port, as Docker writes them.
    private static bool IsPort(List<Match> rest) =>
        rest.Any(m => m is PortMatch)
        && rest.All(m => m is AddressMatch { Negated: false } or ProtocolMatch { Negated: false } or PortMatch { Negated: false });
}
