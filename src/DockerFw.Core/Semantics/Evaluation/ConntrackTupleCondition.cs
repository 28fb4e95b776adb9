using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>
/// <c>-m conntrack --ctorigsrc/--ctorigdst/--ctorigsrcport/--ctorigdstport/--ctproto/--ctdir</c>,
/// tested against the connection's original tuple. Without a connection conntrack_mt ignores them
/// when the block also tests <c>--ctstate</c>, and fails otherwise, negated or not.
/// </summary>
internal sealed class ConntrackTupleCondition(Func<Branch, Truth> test, bool negated, bool blockHasState) : Condition
{
    public override Truth Test(Branch p, EvaluationContext context)
    {
        if (!p.HasConntrack) return TruthExtensions.From(blockHasState);
        return test(p).NegateIf(negated);
    }

    public override string Doubt => "port of the connection not given";

    /// <summary>The condition for one option, or null when the option is not one of these or its value does not parse.</summary>
    public static ConntrackTupleCondition? Of(ModuleOptionMatch option, bool blockHasState)
    {
        var arg = option.Arguments.Length > 0 ? option.Arguments[0] : "";
        Func<Branch, Truth>? test = option.Name switch
        {
            "--ctorigsrc" or "--ctorigdst" when Address(arg) is { } mask =>
                p => TruthExtensions.From(mask.Contains(option.Name == "--ctorigsrc" ? p.Original.Source : p.Original.Destination)),
            "--ctorigsrcport" or "--ctorigdstport" when Ports(arg) is { } range => p =>
            {
                var port = option.Name == "--ctorigsrcport" ? p.Original.SourcePort : p.Original.DestinationPort;
                return !p.Original.PortsKnown || port is null ? Truth.Maybe : TruthExtensions.From(range.Contains(port.Value));
            },
            "--ctproto" when Protocol.TryParse(arg, out var protocol) =>
                p => TruthExtensions.From(protocol!.IsAll || NormalIcmp(p.Protocol) == NormalIcmp(protocol.Number)),
            "--ctdir" when arg.ToUpperInvariant() is "ORIGINAL" or "REPLY" =>
                p => TruthExtensions.From(p.IsReply == (arg.ToUpperInvariant() == "REPLY")),
            _ => null,
        };
        return test is null ? null : new ConntrackTupleCondition(test, option.Negated, blockHasState);
    }

    private static int NormalIcmp(int protocol) => protocol == Protocol.IcmpV6 ? Protocol.Icmp : protocol;

    private static AddressMask? Address(string text) =>
        AddressMask.TryParse(text, text.Contains(':') ? IpFamily.V6 : IpFamily.V4, out var mask) ? mask : null;

    private static PortRange? Ports(string text)
    {
        var parts = text.Split(':');
        if (parts.Length > 2 || !int.TryParse(parts[0], out var first)) return null;
        var last = first;
        if (parts.Length == 2 && !int.TryParse(parts[1], out last)) return null;
        return first >= 0 && last <= 65535 && first <= last ? new PortRange(first, last) : null;
    }
}
