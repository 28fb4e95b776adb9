using System.Collections.Immutable;
using System.Text.Json;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Syntax.NftJson;

/// <summary>
/// Maps one nft <c>match</c> (left op right) to the typed conditions of the model where the meaning is
/// exactly the same; returns null where it is not, and the caller keeps the expression opaque.
/// </summary>
internal sealed class NftMatches(Func<string, NftSet?> findSet)
{
    public ImmutableArray<MatchBlock>? Map(string op, JsonElement left, JsonElement right)
    {
        var negated = op == "!=";
        // "!" is nft's "none of these flags set" (tcp flags ! syn), a flags type's alone.
        if (op is not ("==" or "!=" or "in" or "!")) return null;
        if (op == "!" && !(left.TryGetProperty("payload", out var flagged) && IsTcpFlags(flagged))) return null;
        var blocks = Typed(left, right, negated, op);
        return blocks is null ? null : [.. blocks];
    }

    private IEnumerable<MatchBlock>? Typed(JsonElement left, JsonElement right, bool negated, string op)
    {
        if (left.ValueKind == JsonValueKind.Object && left.TryGetProperty("concat", out var parts))
            return op == "!" ? null : NftConcatenations.Map(parts, Members(right), SetName(right), negated);
        if (Key(left, "meta") is "iifname" or "oifname" && Members(right) is { } names) return InterfaceSet(Key(left, "meta")!, names, negated);
        if (Key(left, "meta") is "l4proto" && Members(right) is { } protocols) return ProtocolSet(protocols, negated);
        if (Key(left, "meta") is { } meta) return Meta(meta, right, negated);
        if (left.TryGetProperty("payload", out var payload) && IsTcpFlags(payload)) return Flags(right) is { } named ? UnmaskedFlags(named, op, negated) : null;
        if (left.TryGetProperty("payload", out payload)) return Payload(payload, null, right, negated);
        // `ct state { established, related }` (a set: one of them) is --ctstate ESTABLISHED,RELATED too.
        if (Key(left, "ct") is "state" && (States(right) ?? (SetOf(right) is { } members ? States(members) : null)) is { } states)
            return [Block("conntrack", new ConntrackStateMatch(states, negated))];
        if (Key(left, "ct") is "status" && Strings(right) is { } status)
            return [Block("conntrack", new ModuleOptionMatch("conntrack", "--ctstatus", [string.Join(',', status.Select(s => s.ToUpperInvariant()))], negated))];
        if (left.TryGetProperty("ct", out var ct) && ct.TryGetProperty("dir", out var dir) && dir.GetString() == "original" && op != "in")
            return Original(ct, right, negated);
        if (left.TryGetProperty("fib", out var fib)) return Fib(fib, right, negated);
        if (left.TryGetProperty("&", out var and) && and.GetArrayLength() == 2) return Masked(and[0], and[1], right, negated, op);
        return null;
    }

    private static IEnumerable<MatchBlock>? Meta(string key, JsonElement right, bool negated)
    {
        switch (key)
        {
            case "iifname" or "oifname" when right.ValueKind == JsonValueKind.String:
                var dir = key == "iifname" ? Direction.In : Direction.Out;
                return [Block(null, new InterfaceMatch(dir, Interface(right.GetString()!), negated))];
            case "l4proto" when ProtocolOf(right) is { } p:
                return [Block(null, new ProtocolMatch(p, negated))];
            case "mark" when right.ValueKind == JsonValueKind.Number:
                return [Block("mark", new MarkMatch(new MarkMask(right.GetUInt32(), uint.MaxValue), negated))];
            case "nfproto" when right.ValueKind == JsonValueKind.String && right.GetString() is "ipv4" or "ipv6":
                // The packet's family, in an inet table (firewalld's `meta nfproto ipv6 fib ... drop`):
                // exactly an address match of that family that every address passes, which a packet of
                // the other family never matches (as `ip saddr` there). `!=` names the other family.
                var ipv6 = right.GetString() == "ipv6" != negated;
                return [Block(null, new AddressMatch(AddressField.Source, AddressMask.Any(ipv6 ? IpFamily.V6 : IpFamily.V4), false))];
            default:
                return null;
        }
    }

    /// <summary>
    /// <c>iifname != @set</c> is a name that is none of the members: one negated condition each, all
    /// holding. <c>iifname == @set</c> (one of them) has no single condition in the model unless the set
    /// holds one name: otherwise the expression stays opaque, so the engines say they cannot decide
    /// instead of reading an interface literally named <c>@set</c>.
    /// </summary>
    private static IEnumerable<MatchBlock>? InterfaceSet(string key, IEnumerable<JsonElement> members, bool negated)
    {
        var names = members.Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null).ToList();
        if (names.Count == 0 || names.Any(n => n is null)) return null;
        var direction = key == "iifname" ? Direction.In : Direction.Out;
        if (!negated && names.Count > 1) return [Block(MatchBlock.NftOnly, new InterfaceSetMatch(direction, [.. names.Select(n => Interface(n!))]))];
        return [new MatchBlock(null, [.. names.Select(n => new InterfaceMatch(direction, Interface(n!), negated))])];
    }

    /// <summary>
    /// <c>meta l4proto { tcp, udp }</c> (firewalld: <c>{ icmp, ipv6-icmp }</c>): the protocol is one of
    /// them, a <see cref="ProtocolSetMatch"/> (nft only); one member is a plain <c>-p</c>. <c>!=</c> is
    /// none of them: one negated protocol each, all holding (as <c>iifname != { a, b }</c>).
    /// </summary>
    private static IEnumerable<MatchBlock>? ProtocolSet(IEnumerable<JsonElement> members, bool negated)
    {
        var protocols = members.Select(ProtocolOf).ToList();
        if (protocols.Count == 0 || protocols.Any(p => p is null || p.IsAll)) return null;
        if (protocols.Count == 1) return [Block(null, new ProtocolMatch(protocols[0]!, negated))];
        if (negated) return [new MatchBlock(null, [.. protocols.Select(p => new ProtocolMatch(p!, true))])];
        return [Block(MatchBlock.NftOnly, new ProtocolSetMatch([.. protocols.Select(p => p!)]))];
    }

    private IEnumerable<MatchBlock>? Payload(JsonElement payload, UInt128? mask, JsonElement right, bool negated)
    {
        var protocol = payload.TryGetProperty("protocol", out var pr) ? pr.GetString() : null;
        var field = payload.TryGetProperty("field", out var f) ? f.GetString() : null;
        var side = field switch { "saddr" => AddressField.Source, "daddr" => AddressField.Destination, _ => (AddressField?)null };
        var portSide = field switch { "sport" => AddressField.Source, "dport" => AddressField.Destination, _ => (AddressField?)null };
        if (protocol is "ip" or "ip6" && side is { } s)
        {
            var family = protocol == "ip" ? IpFamily.V4 : IpFamily.V6;
            return Address(family, s, mask, right, negated);
        }

        if (protocol is "icmp" or "icmpv6" && field == "type" && mask is null) return IcmpType(protocol == "icmp" ? IpFamily.V4 : IpFamily.V6, right, negated);
        if (protocol is "ip" && field == "protocol" || protocol is "ip6" && field == "nexthdr")
            return ProtocolOf(right) is { } p ? [Block(null, new ProtocolMatch(p, negated))] : null;
        if (protocol is "tcp" or "udp" && portSide is { } ps && mask is null)
        {
            var proto = Block(null, new ProtocolMatch(Protocol.FromNumber(protocol == "tcp" ? Protocol.Tcp : Protocol.Udp), false));
            if (Port(right) is { } range) return [proto, Block(protocol, new PortMatch(ps, range, negated))];
            var ranges = Members(right)?.Select(Port).ToList();
            if (ranges is null || ranges.Any(r => r is null)) return null;
            var field2 = ps == AddressField.Source ? MultiportField.Source : MultiportField.Destination;
            return [proto, Block("multiport", new MultiportMatch(field2, [.. ranges!], negated))];
        }

        return null;
    }

    private IEnumerable<MatchBlock>? Address(IpFamily family, AddressField side, UInt128? mask, JsonElement right, bool negated)
    {
        if (mask is { } m)
        {
            if (right.ValueKind != JsonValueKind.String || !IpAddressValue.TryParse(right.GetString()!, family, out var a)) return null;
            return [Block(null, new AddressMatch(side, new AddressMask(family, a & m, m), negated))];
        }

        if (right.ValueKind == JsonValueKind.Object && right.TryGetProperty("range", out var r))
        {
            if (!IpAddressValue.TryParse(r[0].GetString() ?? "", family, out var first) ||
                !IpAddressValue.TryParse(r[1].GetString() ?? "", family, out var last)) return null;
            return [Block("iprange", new IpRangeMatch(side, family, first, last, negated))];
        }

        if (AddressOf(family, right) is { } one) return [Block(null, new AddressMatch(side, one, negated))];
        var name = right.ValueKind == JsonValueKind.String && right.GetString()!.StartsWith('@') ? right.GetString()![1..] : null;
        if (Members(right)?.ToList() is not { } members) return null;
        var ranges = members.Select(e => RangeOf(family, e)).ToList();
        var masks = members.Where((_, i) => ranges[i] is null).Select(e => AddressOf(family, e)).ToList();
        if (masks.Any(x => x is null)) return null;
        // A set has no iptables form (an ipset is another thing): its own block says so to the writer.
        return [Block(MatchBlock.NftOnly, new AddressSetMatch(side, family, name, [.. masks!], negated) { Ranges = [.. ranges.OfType<(UInt128, UInt128)>()] })];
    }

    /// <summary>
    /// <c>icmp type echo-request</c>, <c>icmpv6 type { ... }</c>: nft's implicit dependency makes the
    /// protocol ICMP (ICMPv6) whether the type is compared with <c>==</c> or <c>!=</c>.
    /// </summary>
    private IEnumerable<MatchBlock>? IcmpType(IpFamily family, JsonElement right, bool negated)
    {
        var protocol = Block(null, new ProtocolMatch(Protocol.FromNumber(family == IpFamily.V4 ? Protocol.Icmp : Protocol.IcmpV6), false));
        if (NftIcmpTypes.Of(family, right) is { } one)
            return [protocol, Block(family == IpFamily.V4 ? "icmp" : "icmp6", new IcmpTypeMatch(family, one, null, negated))];
        var types = Members(right)?.Select(e => NftIcmpTypes.Of(family, e)).ToList();
        if (types is null || types.Count == 0 || types.Any(t => t is null)) return null;
        return [protocol, Block(MatchBlock.NftOnly, new IcmpTypeSetMatch(family, [.. types.Select(t => t!.Value).Distinct().Order()], negated))];
    }

    internal static (UInt128, UInt128)? RangeOf(IpFamily family, JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("range", out var r) && r.ValueKind == JsonValueKind.Array && r.GetArrayLength() == 2 &&
        IpAddressValue.TryParse(r[0].GetString() ?? "", family, out var first) && IpAddressValue.TryParse(r[1].GetString() ?? "", family, out var last) && first <= last
            ? (first, last)
            : null;

    /// <summary>
    /// <c>ct original ip daddr A</c>, <c>ct original proto-dst N</c>: conntrack's original tuple, which
    /// iptables writes <c>-m conntrack --ctorigdst A --ctorigdstport N</c>; the same option in the model,
    /// so both engines judge it alike (exactly, for a NEW packet). One address, prefix or port (range).
    /// </summary>
    private static IEnumerable<MatchBlock>? Original(JsonElement ct, JsonElement right, bool negated)
    {
        var key = ct.TryGetProperty("key", out var k) ? k.GetString() : null;
        var (option, family) = key switch
        {
            "ip saddr" => ("--ctorigsrc", IpFamily.V4),
            "ip daddr" => ("--ctorigdst", IpFamily.V4),
            "ip6 saddr" => ("--ctorigsrc", IpFamily.V6),
            "ip6 daddr" => ("--ctorigdst", IpFamily.V6),
            "proto-src" => ("--ctorigsrcport", (IpFamily?)null),
            "proto-dst" => ("--ctorigdstport", null),
            _ => (null, null),
        };
        if (option is null) return null;
        string? value;
        if (family is { } fam) value = AddressOf(fam, right)?.ToString();
        else value = Port(right)?.Format(':');
        return value is null ? null : [Block("conntrack", new ModuleOptionMatch("conntrack", option, [value], negated))];
    }

    private IEnumerable<MatchBlock>? Fib(JsonElement fib, JsonElement right, bool negated)
    {
        var flags = fib.TryGetProperty("flags", out var fl) ? Strings(fl) : null;
        if (fib.GetProperty("result").GetString() == "oif" && flags is not null) return ReversePath(flags, right, negated);
        if (fib.GetProperty("result").GetString() != "type" || flags is null || flags.Length != 1) return null;
        var side = flags[0] switch { "daddr" => AddressField.Destination, "saddr" => AddressField.Source, _ => (AddressField?)null };
        if (side is null || Strings(right) is not { } types) return null;
        return [Block("addrtype", new AddrTypeMatch(side.Value, [.. types.Select(t => t.ToUpperInvariant())], negated))];
    }

    /// <summary>
    /// <c>fib saddr [. mark] [. iif] oif missing</c> (nft JSON: <c>== false</c>; <c>exists</c> is true):
    /// the reverse-path check, which iptables-nft prints and iptables writes <c>-m rpfilter
    /// [--loose] [--validmark] [--invert]</c> (without <c>iif</c> any interface will do: loose).
    /// One model for both front ends, so both engines judge them alike (oracle F30).
    /// </summary>
    private static IEnumerable<MatchBlock>? ReversePath(string[] flags, JsonElement right, bool negated)
    {
        if (!flags.Contains("saddr") || flags.Any(f => f is not ("saddr" or "mark" or "iif"))) return null;
        if (right.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return null;
        var failing = right.ValueKind == JsonValueKind.False != negated;
        var options = new List<Match>();
        if (!flags.Contains("iif")) options.Add(Option("--loose"));
        if (flags.Contains("mark")) options.Add(Option("--validmark"));
        if (failing) options.Add(Option("--invert"));
        return [new MatchBlock("rpfilter", [.. options])];

        static ModuleOptionMatch Option(string name) => new("rpfilter", name, [], false);
    }

    private IEnumerable<MatchBlock>? Masked(JsonElement inner, JsonElement mask, JsonElement right, bool negated, string op)
    {
        if (Key(inner, "meta") is "mark" && mask.ValueKind == JsonValueKind.Number && right.ValueKind == JsonValueKind.Number)
            return [Block("mark", new MarkMatch(new MarkMask(right.GetUInt32(), mask.GetUInt32()), negated))];
        if (!inner.TryGetProperty("payload", out var payload)) return null;
        var protocol = payload.TryGetProperty("protocol", out var p) ? p.GetString() : null;
        var field = payload.TryGetProperty("field", out var f) ? f.GetString() : null;
        // ECE and CWR (nft's ecn, cwr) have no iptables name: such a test is nft's alone, which the
        // writer refuses rather than print a mask iptables-restore would not take.
        if (protocol == "tcp" && field == "flags" && op != "in" && Flags(mask) is { } m && Flags(right) is { } c)
            return [Block(null, new ProtocolMatch(Protocol.FromNumber(Protocol.Tcp), false)),
                Block(((m | c) & (TcpFlags.Ece | TcpFlags.Cwr)) != 0 ? MatchBlock.NftOnly : "tcp", new TcpFlagsMatch(m, c, negated))];
        var family = protocol switch { "ip" => IpFamily.V4, "ip6" => IpFamily.V6, _ => (IpFamily?)null };
        if (family is { } fam && mask.ValueKind == JsonValueKind.String && IpAddressValue.TryParse(mask.GetString()!, fam, out var bits))
            return Payload(payload, bits, right, negated);
        return null;
    }

    private static bool IsTcpFlags(JsonElement payload) =>
        payload.TryGetProperty("protocol", out var p) && p.GetString() == "tcp" && payload.TryGetProperty("field", out var f) && f.GetString() == "flags";

    /// <summary>
    /// <c>tcp flags == syn</c> compares the whole byte (nft's bytecode: <c>cmp eq 0x02</c>), ECE and CWR
    /// too, so iptables (whose ALL is the low six) cannot say it; nft prints a byte of several flags as
    /// a number (<c>tcp flags != 0x12</c>, JSON <c>18</c>). <c>tcp flags syn</c> (JSON op <c>in</c>) is
    /// any of the named flags set (<c>(flags &amp; mask) != 0</c>): for one flag that flag set,
    /// <c>--tcp-flags SYN SYN</c>; for several, not none of them, <c>! --tcp-flags SYN,ACK NONE</c>.
    /// <c>tcp flags ! syn,ack</c> (JSON op <c>!</c>; what nft prints for <c>tcp flags &amp; (syn|ack) ==
    /// 0</c>) is none of them set (bytecode <c>bitwise &amp; 0x12, cmp eq 0</c>): <c>--tcp-flags SYN,ACK NONE</c>.
    /// </summary>
    private static IEnumerable<MatchBlock>? UnmaskedFlags(TcpFlags named, string op, bool negated)
    {
        const TcpFlags Byte = TcpFlags.All | TcpFlags.Ece | TcpFlags.Cwr;
        var flags = op switch
        {
            "in" => (named & (named - 1)) == 0 ? new TcpFlagsMatch(named, named, false) : new TcpFlagsMatch(named, TcpFlags.None, true),
            "!" => new TcpFlagsMatch(named, TcpFlags.None, false),
            _ => new TcpFlagsMatch(Byte, named, negated),
        };
        if (op is "in" or "!" && named == TcpFlags.None) return null;
        return [Block(null, new ProtocolMatch(Protocol.FromNumber(Protocol.Tcp), false)),
            Block(((flags.Mask | flags.Compare) & (TcpFlags.Ece | TcpFlags.Cwr)) != 0 ? MatchBlock.NftOnly : "tcp", flags)];
    }

    private static string? SetName(JsonElement right) =>
        right.ValueKind == JsonValueKind.String && right.GetString()!.StartsWith('@') ? right.GetString()![1..] : null;

    private IEnumerable<JsonElement>? Members(JsonElement right)
    {
        if (right.ValueKind == JsonValueKind.String && right.GetString()!.StartsWith('@'))
            return findSet(right.GetString()![1..]) is { DataType: null } set ? set.Elements.Select(e => e.Key) : null;
        if (right.ValueKind == JsonValueKind.Object && right.TryGetProperty("set", out var s))
            return s.ValueKind == JsonValueKind.Array ? s.EnumerateArray().ToList() : [s];
        return null;
    }

    internal static MatchBlock Block(string? module, Match match) => new(module, [match]);

    internal static string? Key(JsonElement e, string kind) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(kind, out var k) && k.ValueKind == JsonValueKind.Object &&
        k.TryGetProperty("key", out var key) ? key.GetString() : null;

    // nft's wildcard is a trailing '*', iptables' a trailing '+'; "\*" is a literal star.
    internal static InterfacePattern Interface(string name) =>
        new(name.EndsWith('*') && !name.EndsWith("\\*") ? name[..^1] + "+" : name.Replace("\\*", "*"));

    internal static AddressMask? AddressOf(IpFamily family, JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.String && e.GetString() is { } text && !text.StartsWith('@'))
            return AddressMask.TryParse(text, family, out var v) ? v : null;
        if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("prefix", out var p) &&
            IpAddressValue.TryParse(p.GetProperty("addr").GetString() ?? "", family, out var a))
            return AddressMask.FromPrefix(family, a, p.GetProperty("len").GetInt32());
        return null;
    }

    internal static PortRange? Port(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Number) return PortRange.Single(e.GetInt32());
        if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("range", out var r) &&
            r[0].ValueKind == JsonValueKind.Number && r[1].ValueKind == JsonValueKind.Number && r[0].GetInt32() <= r[1].GetInt32())
            return new PortRange(r[0].GetInt32(), r[1].GetInt32());
        return null;
    }

    private static Protocol? ProtocolOf(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => Protocol.FromNumber(e.GetInt32()),
        JsonValueKind.String => Protocol.TryParse(e.GetString()!, out var p) ? p : null,
        _ => null,
    };

    private static ConntrackStates? States(JsonElement e)
    {
        if (Strings(e) is not { } names) return null;
        var states = ConntrackStates.None;
        foreach (var n in names)
        {
            if (!ConntrackStatesText.TryParseOne(n, out var s)) return null;
            states |= s;
        }

        return states;
    }

    // Names, or the flags byte as a number where nft prints several flags compared whole (0x12: 18).
    private static TcpFlags? Flags(JsonElement e) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetByte(out var b) ? (TcpFlags)b
        : Strings(e) is { } names && TcpFlagsText.TryParseNft(names, out var f) ? f : null;

    // ct state and similar fields are a bare string for one flag and an array for several.
    private static JsonElement? SetOf(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("set", out var set) && set.ValueKind == JsonValueKind.Array ? set : null;

    internal static string[]? Strings(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => [e.GetString()!],
        JsonValueKind.Array when e.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String) =>
            [.. e.EnumerateArray().Select(x => x.GetString()!)],
        _ => null,
    };
}
