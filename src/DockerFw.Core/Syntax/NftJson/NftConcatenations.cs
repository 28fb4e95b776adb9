using System.Text.Json;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Syntax.NftJson;

/// <summary>
/// nft's concatenations as a set's key: <c>ip daddr . tcp dport @published</c> (Docker 29's nftables
/// back end, firewalld), <c>ip saddr . iifname { 10.0.0.1 . "eth0" }</c>. The fields read together
/// are one of the tuples: a <see cref="TupleSetMatch"/>, one box per element, which both engines
/// decide. A port column implies its protocol (the payload's dependency, outside any <c>!=</c>), so
/// the protocol is its own block beside it. Columns other than addresses, TCP/UDP ports and interface
/// names, and elements that are not exactly values of them, leave the expression opaque.
/// </summary>
internal static class NftConcatenations
{
    public static IEnumerable<MatchBlock>? Map(JsonElement parts, IEnumerable<JsonElement>? members, string? setName, bool negated)
    {
        if (parts.ValueKind != JsonValueKind.Array || members is null) return null;
        var columns = new List<TupleColumn>();
        IpFamily? family = null;
        foreach (var part in parts.EnumerateArray())
        {
            if (Column(part, out var partFamily) is not { } column) return null;
            if (partFamily is { } f)
            {
                if (family is not null && family != f) return null;
                family = f;
            }

            columns.Add(column);
        }

        // The family is the addresses': without one, which packets a port column reads is not this reading's.
        if (family is not { } fam || columns.Count < 2) return null;
        var elements = new List<TupleElement>();
        foreach (var member in members)
        {
            if (!member.TryGetProperty("concat", out var values) || values.GetArrayLength() != columns.Count) return null;
            var row = new List<TupleValue>();
            for (var i = 0; i < columns.Count; i++)
            {
                if (Value(columns[i], values[i], fam) is not { } value) return null;
                row.Add(value);
            }

            elements.Add(new TupleElement([.. row]));
        }

        var set = new TupleSet(fam, [.. columns], [.. elements]);
        var protocols = columns.Where(c => c.IsPort).Select(c => c.Protocol!.Value).Distinct()
            .Select(p => NftMatches.Block(null, new ProtocolMatch(Protocol.FromNumber(p), false)));
        return [.. protocols, NftMatches.Block(MatchBlock.NftOnly, new TupleSetMatch(set, setName, negated))];
    }

    private static TupleColumn? Column(JsonElement part, out IpFamily? family)
    {
        family = null;
        if (NftMatches.Key(part, "meta") is "iifname" or "oifname" && NftMatches.Key(part, "meta") is var key)
            return new TupleColumn(key == "iifname" ? TupleSetField.InInterface : TupleSetField.OutInterface);
        if (!part.TryGetProperty("payload", out var payload)) return null;
        var protocol = payload.TryGetProperty("protocol", out var p) ? p.GetString() : null;
        var field = payload.TryGetProperty("field", out var f) ? f.GetString() : null;
        if (protocol is "ip" or "ip6" && field is "saddr" or "daddr")
        {
            family = protocol == "ip" ? IpFamily.V4 : IpFamily.V6;
            return new TupleColumn(field == "saddr" ? TupleSetField.Source : TupleSetField.Destination);
        }

        if (protocol is "tcp" or "udp" && field is "sport" or "dport")
            return new TupleColumn(field == "sport" ? TupleSetField.SourcePort : TupleSetField.DestinationPort, protocol == "tcp" ? Protocol.Tcp : Protocol.Udp);
        return null;
    }

    private static TupleValue? Value(TupleColumn column, JsonElement value, IpFamily family)
    {
        if (column.IsInterface)
            return value.ValueKind == JsonValueKind.String ? TupleValue.Named(NftMatches.Interface(value.GetString()!)) : null;
        if (column.IsPort) return NftMatches.Port(value) is { } port ? new TupleValue((UInt128)port.First, (UInt128)port.Last) : null;
        if (NftMatches.RangeOf(family, value) is { } range) return new TupleValue(range.Item1, range.Item2);
        return NftMatches.AddressOf(family, value) is { PrefixLength: not null } mask ? new TupleValue(mask.Bounds.First, mask.Bounds.Last) : null;
    }
}
