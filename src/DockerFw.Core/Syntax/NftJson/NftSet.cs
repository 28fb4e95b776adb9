using System.Collections.Immutable;
using System.Text.Json;

namespace DockerFw.Core.Syntax.NftJson;

/// <summary>
/// A named set or map of one table: its key type (a concatenation as several names), its data type
/// for a map (null for a set), and its elements as written (key, and data for a map).
/// </summary>
internal sealed record NftSet(string Name, ImmutableArray<string> KeyType, string? DataType, ImmutableArray<NftElement> Elements)
{
    public bool IsVerdictMap => DataType == "verdict";

    public static NftSet Read(JsonElement o)
    {
        var name = o.GetProperty("name").GetString() ?? "";
        var key = TypeNames(o.TryGetProperty("type", out var t) ? t : default);
        string? data = null;
        if (o.TryGetProperty("map", out var m))
            // 1.0.6 prints a concatenated data type as one string, 1.1 and later as an array.
            data = string.Join(" . ", TypeNames(m));
        var elements = ImmutableArray.CreateBuilder<NftElement>();
        if (o.TryGetProperty("elem", out var elem) && elem.ValueKind == JsonValueKind.Array)
            foreach (var e in elem.EnumerateArray()) elements.Add(NftElement.Read(e, data is not null));
        return new NftSet(name, key, data, elements.ToImmutable());
    }

    private static ImmutableArray<string> TypeNames(JsonElement t) => t.ValueKind switch
    {
        JsonValueKind.String => [.. (t.GetString() ?? "").Split(" . ")],
        JsonValueKind.Array => [.. t.EnumerateArray().Select(x => x.GetString() ?? "")],
        _ => [],
    };
}

/// <summary>One element: its key (an <c>elem</c> wrapper with timeout or counter removed) and, in a map, its data.</summary>
internal sealed record NftElement(JsonElement Key, JsonElement? Data)
{
    public static NftElement Read(JsonElement e, bool isMap)
    {
        if (isMap && e.ValueKind == JsonValueKind.Array && e.GetArrayLength() == 2)
            return new NftElement(Unwrap(e[0]), e[1]);
        return new NftElement(Unwrap(e), null);
    }

    private static JsonElement Unwrap(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("elem", out var inner) && inner.TryGetProperty("val", out var val)
            ? val
            : e;
}
