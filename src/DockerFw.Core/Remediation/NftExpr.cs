using System.Text.Json;
using System.Text.Json.Nodes;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;

namespace DockerFw.Core.Remediation;

/// <summary>
/// The nft statements dockerfw's table is made of, each as the JSON <c>nft -j list</c> prints for it
/// (so the proof reads the very form the kernel lists back), and their nft text, rendered from that
/// JSON, for <c>nft -f</c> and the diff. One source: the text cannot say what the JSON does not.
/// </summary>
internal static class NftExpr
{
    public static JsonNode Interface(Direction direction, string name) =>
        Match("==", new JsonObject { ["meta"] = new JsonObject { ["key"] = direction == Direction.In ? "iifname" : "oifname" } }, name);

    public static JsonNode Address(IpFamily family, bool source, AddressMask mask) =>
        Match("==", Payload(family == IpFamily.V4 ? "ip" : "ip6", source ? "saddr" : "daddr"), AddressValue(mask));

    public static JsonNode Host(IpFamily family, bool source, UInt128 address) =>
        Address(family, source, AddressMask.FromPrefix(family, address, family.Bits()));

    /// <summary><c>tcp dport 80-90</c>; nft adds the protocol dependency itself.</summary>
    public static JsonNode Port(PortSpec port, bool destination = true) =>
        Match("==", Payload(port.Protocol.Name, destination ? "dport" : "sport"), PortValue(port.Ports));

    /// <summary><c>icmpv6 type nd-neighbor-solicit</c>.</summary>
    public static JsonNode Icmpv6Type(string type) => Match("==", Payload("icmpv6", "type"), type);

    public static JsonNode State(params string[] states) =>
        Match("in", new JsonObject { ["ct"] = new JsonObject { ["key"] = "state" } },
            states.Length == 1 ? JsonValue.Create(states[0]) : new JsonArray([.. states.Select(s => (JsonNode)JsonValue.Create(s)!)]));

    /// <summary><c>ct original ip daddr A</c>: the destination the connection was opened to, before DNAT.</summary>
    public static JsonNode OriginalDestination(IpFamily family, AddressMask mask) =>
        Match("==", new JsonObject { ["ct"] = new JsonObject { ["key"] = family == IpFamily.V4 ? "ip daddr" : "ip6 daddr", ["dir"] = "original" } }, AddressValue(mask));

    /// <summary><c>ct original proto-dst N</c>: nft needs the protocol stated before it (a port match).</summary>
    public static JsonNode OriginalPort(int port) =>
        Match("==", new JsonObject { ["ct"] = new JsonObject { ["key"] = "proto-dst", ["dir"] = "original" } }, port);

    public static JsonNode Verdict(string verdict) => new JsonObject { [verdict] = null };

    /// <summary>
    /// The nft text of one rule's statements, for the forms above; anything else (a rule someone
    /// else put in dockerfw's table) is shown as its JSON in a comment, never guessed at.
    /// </summary>
    public static string Text(JsonElement expr)
    {
        var parts = new List<string>();
        foreach (var statement in expr.EnumerateArray())
        {
            if (StatementText(statement) is not { } text) return "# " + expr.GetRawText();
            parts.Add(text);
        }

        return string.Join(' ', parts);
    }

    private static string? StatementText(JsonElement s)
    {
        if (s.ValueKind != JsonValueKind.Object) return null;
        foreach (var verdict in (string[])["accept", "drop", "return"])
            if (s.TryGetProperty(verdict, out var v) && v.ValueKind == JsonValueKind.Null) return verdict;
        if (!s.TryGetProperty("match", out var m)) return null;
        var op = m.GetProperty("op").GetString();
        var left = Left(m.GetProperty("left"));
        // Interface names are quoted, as nft lists them; addresses, ports and states are not.
        var right = Right(m.GetProperty("right"), left is "iifname" or "oifname");
        if (left is null || right is null) return null;
        return op switch
        {
            "==" or "in" => $"{left} {right}",
            "!=" => $"{left} != {right}",
            _ => null,
        };
    }

    private static string? Left(JsonElement e)
    {
        if (e.TryGetProperty("meta", out var meta)) return meta.GetProperty("key").GetString();
        if (e.TryGetProperty("payload", out var p)) return $"{p.GetProperty("protocol").GetString()} {p.GetProperty("field").GetString()}";
        if (e.TryGetProperty("ct", out var ct))
            return ct.TryGetProperty("dir", out var dir) ? $"ct {dir.GetString()} {ct.GetProperty("key").GetString()}" : $"ct {ct.GetProperty("key").GetString()}";
        return null;
    }

    private static string? Right(JsonElement e, bool quoted) => e.ValueKind switch
    {
        JsonValueKind.String when quoted => $"\"{e.GetString()!.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"",
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetRawText(),
        JsonValueKind.Array => string.Join(',', e.EnumerateArray().Select(x => x.GetString())),
        JsonValueKind.Object when e.TryGetProperty("prefix", out var p) => $"{p.GetProperty("addr").GetString()}/{p.GetProperty("len").GetInt32()}",
        JsonValueKind.Object when e.TryGetProperty("range", out var r) => $"{r[0].GetRawText()}-{r[1].GetRawText()}",
        _ => null,
    };

    private static JsonNode Match(string op, JsonNode left, JsonNode? right) =>
        new JsonObject { ["match"] = new JsonObject { ["op"] = op, ["left"] = left, ["right"] = right } };

    private static JsonObject Payload(string protocol, string field) =>
        new() { ["payload"] = new JsonObject { ["protocol"] = protocol, ["field"] = field } };

    /// <summary>A host address as a string, a network as nft's prefix object, as the kernel lists them.</summary>
    private static JsonNode AddressValue(AddressMask mask)
    {
        var address = IpAddressValue.Format(mask.Address, mask.Family);
        if (mask.PrefixLength is not { } length) throw new ArgumentException($"{mask} is not a prefix", nameof(mask));
        return length == mask.Family.Bits()
            ? JsonValue.Create(address)!
            : new JsonObject { ["prefix"] = new JsonObject { ["addr"] = address, ["len"] = length } };
    }

    private static JsonNode PortValue(PortRange ports) =>
        ports.First == ports.Last ? JsonValue.Create(ports.First) : new JsonObject { ["range"] = new JsonArray(ports.First, ports.Last) };
}
