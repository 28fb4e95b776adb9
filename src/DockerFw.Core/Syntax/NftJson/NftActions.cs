using System.Collections.Immutable;
using System.Text.Json;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Syntax.NftJson;

/// <summary>Maps an nft action statement (verdict, nat, log, mark set, reject) to a model target.</summary>
internal static class NftActions
{
    /// <summary>The target, or null when <paramref name="name"/> is not an action this reader knows.</summary>
    public static Target? Map(string name, JsonElement value, IpFamily family) => name switch
    {
        "accept" => new VerdictTarget(Verdict.Accept),
        "drop" => new VerdictTarget(Verdict.Drop),
        "return" => new VerdictTarget(Verdict.Return),
        "queue" => new VerdictTarget(Verdict.Queue),
        "jump" => new JumpTarget(value.GetProperty("target").GetString() ?? ""),
        "goto" => new JumpTarget(value.GetProperty("target").GetString() ?? "", IsGoto: true),
        "dnat" => Nat(value, family) is var (range, flags) && range is not null ? new DnatTarget(range, flags) : null,
        "snat" => Nat(value, family) is var (range, flags) && range is not null ? new SnatTarget(range, flags) : null,
        "masquerade" => new MasqueradeTarget(Ports(value), Flags(value)),
        "redirect" => new RedirectTarget(Ports(value), Flags(value)),
        "reject" => new RejectTarget(RejectWith(value, family)),
        "log" => new LogTarget(Text(value, "prefix"), LogLevel(Text(value, "level")), Flags(value)),
        "mangle" => Mark(value),
        _ => null,
    };

    /// <summary>A verdict as a map element writes it: <c>{"jump": {"target": "x"}}</c>, <c>{"drop": null}</c>.</summary>
    public static Target? VerdictOf(JsonElement data, IpFamily family)
    {
        if (data.ValueKind != JsonValueKind.Object) return null;
        var property = data.EnumerateObject().FirstOrDefault();
        return property.Name is "accept" or "drop" or "return" or "jump" or "goto" or "queue"
            ? Map(property.Name, property.Value, family)
            : null;
    }

    /// <summary>A DNAT target for one element of a map-based <c>dnat to KEY map @m</c>.</summary>
    public static Target? DnatTo(JsonElement data, IpFamily family)
    {
        var parts = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("concat", out var c) ? [.. c.EnumerateArray()] : new[] { data };
        if (parts.Length is < 1 or > 2 || parts[0].ValueKind != JsonValueKind.String) return null;
        if (!IpAddressValue.TryParse(parts[0].GetString()!, family, out var address)) return null;
        PortRange? port = parts.Length == 2 && parts[1].ValueKind == JsonValueKind.Number ? PortRange.Single(parts[1].GetInt32()) : null;
        return new DnatTarget(new NatRange(family, address, address, port), []);
    }

    private static (NatRange? Range, ImmutableArray<string> Flags) Nat(JsonElement value, IpFamily family)
    {
        if (value.ValueKind != JsonValueKind.Object) return (null, []);
        UInt128? first = null, last = null;
        if (value.TryGetProperty("addr", out var addr))
        {
            if (addr.ValueKind == JsonValueKind.String && IpAddressValue.TryParse(addr.GetString()!, family, out var a)) first = last = a;
            else if (addr.ValueKind == JsonValueKind.Object && addr.TryGetProperty("range", out var r) &&
                     IpAddressValue.TryParse(r[0].GetString() ?? "", family, out var a1) &&
                     IpAddressValue.TryParse(r[1].GetString() ?? "", family, out var a2)) (first, last) = (a1, a2);
            else return (null, []);
        }

        return (new NatRange(family, first, last, Ports(value)), Flags(value));
    }

    private static PortRange? Ports(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("port", out var p)) return null;
        if (p.ValueKind == JsonValueKind.Number) return PortRange.Single(p.GetInt32());
        return p.ValueKind == JsonValueKind.Object && p.TryGetProperty("range", out var r) ? new PortRange(r[0].GetInt32(), r[1].GetInt32()) : null;
    }

    // "flags" is a string for one flag and an array for several.
    private static ImmutableArray<string> Flags(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty("flags", out var f) && NftMatches.Strings(f) is { } names
            ? [.. names]
            : [];

    private static string? Text(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(name, out var v) ? v.ToString() : null;

    private static int? LogLevel(string? level) => level switch
    {
        null => null,
        "emerg" => 0, "alert" => 1, "crit" => 2, "err" => 3, "warn" => 4, "notice" => 5, "info" => 6, "debug" => 7,
        _ => int.TryParse(level, out var n) ? n : null,
    };

    private static string RejectWith(JsonElement value, IpFamily family)
    {
        var type = Text(value, "type");
        var code = Text(value, "expr");
        if (type == "tcp reset") return "tcp-reset";
        var prefix = type switch { "icmpv6" => "icmp6", "icmpx" or null => family == IpFamily.V4 ? "icmp" : "icmp6", _ => type };
        return $"{prefix}-{code ?? "port-unreachable"}";
    }

    // meta mark set V writes the whole mark; meta mark set mark or V sets only V's bits.
    private static Target? Mark(JsonElement value)
    {
        if (NftMatches.Key(value.GetProperty("key"), "meta") != "mark") return null;
        var v = value.GetProperty("value");
        if (v.ValueKind == JsonValueKind.Number) return new MarkTarget(v.GetUInt32(), uint.MaxValue);
        if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty("|", out var or) && NftMatches.Key(or[0], "meta") == "mark" &&
            or[1].ValueKind == JsonValueKind.Number)
            return new MarkTarget(or[1].GetUInt32(), or[1].GetUInt32());
        return null;
    }
}
