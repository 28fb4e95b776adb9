using System.Text;
using System.Text.Json;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.NftJson;

/// <summary>
/// Where each object of the top-level <c>nftables</c> array starts, as line and column, so a
/// diagnostic or a rule's evidence points at the object in the file whether it is one line or pretty.
/// </summary>
internal static class ObjectPositions
{
    public static List<SourceSpan> Find(byte[] utf8, string file)
    {
        var starts = new List<long>();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var inArray = false;
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName) inArray = reader.ValueTextEquals("nftables");
            else if (inArray && reader.CurrentDepth == 2 && reader.TokenType == JsonTokenType.StartObject) starts.Add(reader.TokenStartIndex);
        }

        var spans = new List<SourceSpan>(starts.Count);
        int line = 1, lineStart = 0, at = 0;
        foreach (var start in starts)
        {
            for (; at < start; at++)
                if (utf8[at] == '\n') (line, lineStart) = (line + 1, at + 1);
            spans.Add(new SourceSpan(file, line, Encoding.UTF8.GetCharCount(utf8, lineStart, (int)start - lineStart) + 1));
        }

        return spans;
    }
}
