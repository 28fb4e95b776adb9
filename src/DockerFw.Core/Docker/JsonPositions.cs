using System.Text;
using System.Text.Json;
using DockerFw.Core.Text;

namespace DockerFw.Core.Docker;

/// <summary>
/// Where each value of a JSON document starts, by its path (<c>$[2].IPAM.Config[0].Subnet</c>), so a
/// diagnostic about one field points at it, like a compiler. Built only when a problem needs a
/// position: a well-formed Engine answer never pays for it.
/// </summary>
internal static class JsonPositions
{
    public static Dictionary<string, SourceSpan> Find(string json, string file)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);
        var starts = new List<(string Path, long Start)>();
        var path = new List<string>();
        var indexes = new List<int>();
        string? property = null;
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                property = reader.GetString();
                continue;
            }

            if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                path.RemoveAt(path.Count - 1);
                indexes.RemoveAt(indexes.Count - 1);
                continue;
            }

            // A value: its segment is the property that named it, or its index in the enclosing array.
            var segment = path.Count == 0 ? "$"
                : property is not null ? "." + property
                : $"[{indexes[^1]++}]";
            property = null;
            var here = (path.Count == 0 ? "" : path[^1]) + segment;
            starts.Add((here, reader.TokenStartIndex));
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                path.Add(here);
                indexes.Add(0);
            }
        }

        var spans = new Dictionary<string, SourceSpan>(starts.Count, StringComparer.Ordinal);
        int line = 1, lineStart = 0, at = 0;
        foreach (var (where, start) in starts)
        {
            for (; at < start; at++)
                if (utf8[at] == '\n') (line, lineStart) = (line + 1, at + 1);
            spans.TryAdd(where, new SourceSpan(file, line, Encoding.UTF8.GetCharCount(utf8, lineStart, (int)start - lineStart) + 1));
        }

        return spans;
    }
}
