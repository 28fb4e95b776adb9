using System.Text;
using System.Text.Json.Nodes;

namespace DockerFw.Core.Tests.Fuzz;

/// <summary>
/// Seeded mutations of JSON documents as a hostile or broken producer would write them: values of
/// the wrong type or out of range (1e400, -1, "banana", deep nesting, a huge string), fields
/// removed, elements duplicated, and raw text damage (cut, bytes flipped) that leaves no JSON at all.
/// </summary>
internal static class JsonMutator
{
    private static readonly Func<Random, JsonNode?>[] Hostile =
    [
        _ => JsonValue.Create(-1),
        _ => JsonNode.Parse("1e400"),
        _ => JsonValue.Create(18446744073709551616m),
        _ => JsonValue.Create("banana"),
        _ => JsonValue.Create(""),
        _ => JsonValue.Create("999.0.0.0/8"),
        _ => JsonValue.Create("\u001b[2J\u0000"),
        _ => null,
        _ => new JsonArray(),
        _ => new JsonObject(),
        _ => JsonValue.Create(true),
        _ => JsonValue.Create(3.5),
        r => JsonValue.Create(new string('x', r.Next(1, 5000))),
        r => Nested(r.Next(20, 200)),
    ];

    public static string Mutate(string json, Random random)
    {
        if (random.Next(5) == 0) return RawDamage(json, random);
        var root = JsonNode.Parse(json);
        if (root is null) return json;
        for (var n = random.Next(1, 4); n > 0 && root is not null; n--) root = MutateOnce(root, random);
        return root?.ToJsonString(new System.Text.Json.JsonSerializerOptions { MaxDepth = 1000 }) ?? "null";
    }

    private static JsonNode? MutateOnce(JsonNode root, Random random)
    {
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var target = nodes[random.Next(nodes.Count)];
        var parent = target.Parent;
        var replacement = Hostile[random.Next(Hostile.Length)](random);
        switch (parent)
        {
            case null:
                return replacement;
            case JsonObject obj:
                var key = obj.First(p => ReferenceEquals(p.Value, target)).Key;
                switch (random.Next(3))
                {
                    case 0: obj.Remove(key); break;
                    default: obj[key] = replacement; break;
                }

                break;
            case JsonArray array:
                var index = array.IndexOf(target);
                switch (random.Next(3))
                {
                    case 0: array.RemoveAt(index); break;
                    case 1: array.Insert(index, target.DeepClone()); break;
                    default: array[index] = replacement; break;
                }

                break;
        }

        return root;
    }

    private static void Collect(JsonNode node, List<JsonNode> into)
    {
        into.Add(node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                    if (value is not null) Collect(value, into);
                break;
            case JsonArray array:
                foreach (var value in array)
                    if (value is not null) Collect(value, into);
                break;
        }
    }

    private static JsonNode Nested(int depth)
    {
        JsonNode node = new JsonArray();
        for (var i = 0; i < depth; i++) node = new JsonArray(node);
        return node;
    }

    private static string RawDamage(string json, Random random)
    {
        var builder = new StringBuilder(json);
        switch (random.Next(3))
        {
            case 0:
                builder.Length = random.Next(builder.Length);
                break;
            case 1:
                for (var n = random.Next(1, 8); n > 0 && builder.Length > 0; n--)
                    builder[random.Next(builder.Length)] = "{}[]\",:0\\ \n\u0000"[random.Next(12)];
                break;
            default:
                var at = random.Next(builder.Length);
                builder.Insert(at, builder.ToString(random.Next(at + 1), Math.Min(200, builder.Length - at)));
                break;
        }

        return builder.ToString();
    }
}
