using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Model.Matches;

/// <summary>
/// nft <c>ip daddr . tcp dport @name</c> (or an anonymous set of concatenations), <c>!=</c> negated:
/// the packet's fields, read together, are one of the set's tuples. The members are in the dump;
/// <see cref="SetName"/> is null for an anonymous set. Like every payload match it implies the
/// packet's family and, for a port column, its protocol (the reader adds <c>-p</c>): a packet of
/// another family never matches, whether <c>==</c> or <c>!=</c>.
/// </summary>
public sealed record TupleSetMatch(TupleSet Set, string? SetName, bool Negated) : Match(Negated)
{
    public override string Option => string.Join(" . ", Set.Columns.Select(c => c.Field switch
    {
        TupleSetField.Source => Set.Family == IpFamily.V4 ? "ip saddr" : "ip6 saddr",
        TupleSetField.Destination => Set.Family == IpFamily.V4 ? "ip daddr" : "ip6 daddr",
        TupleSetField.SourcePort => $"{ProtocolName(c.Protocol)} sport",
        TupleSetField.DestinationPort => $"{ProtocolName(c.Protocol)} dport",
        TupleSetField.InInterface => "iifname",
        _ => "oifname",
    }));

    public string FormatValue() => SetName is { } name ? "@" + name : Set.Format();

    private static string ProtocolName(int? protocol) => protocol switch
    {
        Protocol.Tcp => "tcp",
        Protocol.Udp => "udp",
        _ => "th",
    };
}
