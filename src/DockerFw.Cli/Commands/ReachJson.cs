using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Cli.Commands;

/// <summary>`dockerfw reach --format json`: the contract documented in docs/reach-json.md.</summary>
internal static class ReachJson
{
    public static string Render(ReachResult result, IReadOnlyList<string>? notices = null) => string.Concat(Pieces(result, notices));

    /// <summary>The JSON in pieces, one per region, so a huge answer is written as it is made; <c>notices</c> last, as the audit's key is named.</summary>
    public static IEnumerable<string> Pieces(ReachResult result, IReadOnlyList<string>? notices = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartArray("regions");
            var allowed = QueryInterfaces.Of(result);
            foreach (var region in ReachText.Ordered(result))
            {
                json.WriteStartObject();
                json.WriteString("verdict", region.Verdict.ToString().ToUpperInvariant());
                json.WriteStartArray("boxes");
                foreach (var box in ReachBoxText.Distinct(region, result, allowed))
                {
                    json.WriteStartObject();
                    foreach (var (name, values) in box)
                    {
                        json.WriteStartArray(name);
                        foreach (var v in values) json.WriteStringValue(v);
                        json.WriteEndArray();
                    }

                    json.WriteEndObject();
                    if (json.BytesPending <= 1 << 20) continue;
                    json.Flush();
                    yield return Taken(buffer);
                }

                json.WriteEndArray();
                json.WriteStartArray("rules");
                foreach (var rule in region.Rules.Concat(region.Doubts.Except(region.Rules)))
                {
                    json.WriteStartObject();
                    json.WriteString("table", rule.Table);
                    json.WriteString("chain", rule.Chain);
                    json.WriteNumber("rule", rule.Number);
                    json.WriteNumber("line", rule.Line);
                    if (rule.Handle is { } handle) json.WriteNumber("handle", handle);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                if (region.RulesOmitted > 0) json.WriteNumber("rulesOmitted", region.RulesOmitted);
                json.WriteEndObject();
                json.Flush();
                yield return Taken(buffer);
            }

            json.WriteEndArray();
            json.WriteStartArray("notices");
            foreach (var notice in notices ?? []) json.WriteStringValue(notice);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        yield return Taken(buffer) + "\n";
    }

    /// <summary>What the writer has flushed so far, removed from the buffer (the writer does not track the stream's position).</summary>
    private static string Taken(MemoryStream buffer)
    {
        var text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        buffer.SetLength(0);
        return text;
    }
}
