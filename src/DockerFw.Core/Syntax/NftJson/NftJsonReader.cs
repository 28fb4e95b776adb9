using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.NftJson;

/// <summary>
/// Reads <c>nft -j list ruleset</c> (libnftables JSON, schema 1; nft 1.0.6 and later) into the model:
/// one <see cref="Table"/> per nft table, each carrying its own family, base chains with their hook
/// and priority, and rules whose expressions map to typed matches where the meaning is exact.
/// </summary>
public static class NftJsonReader
{
    /// <summary>
    /// The ruleset's <see cref="Ruleset.Family"/> is IPv6 only when every table is ip6; nft holds all
    /// families at once, so a consumer asks each table's <see cref="Table.Family"/>.
    /// </summary>
    public static ParseResult<Ruleset> Read(string text, string fileName)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        var diagnostics = new List<Diagnostic>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            var at = new SourceSpan(fileName, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1);
            return new ParseResult<Ruleset>(null, [NftMessages.NotJson(at, e.Message.Split(" LineNumber")[0])]);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("nftables", out var items) || items.ValueKind != JsonValueKind.Array)
                return new ParseResult<Ruleset>(null, [NftMessages.NoRuleset(new SourceSpan(fileName, 1, 1))]);
            var spans = ObjectPositions.Find(utf8, fileName);
            var objects = items.EnumerateArray().Select((o, i) => (Object: o, Span: i < spans.Count ? spans[i] : new SourceSpan(fileName, 1, 1))).ToList();
            var tables = ReadTables(objects, diagnostics);
            var family = tables.Count > 0 && tables.All(t => t.Family == "ip6") ? IpFamily.V6 : IpFamily.V4;
            return new ParseResult<Ruleset>(new Ruleset(family, [.. tables]), [.. diagnostics]);
        }
    }

    private static List<Table> ReadTables(List<(JsonElement Object, SourceSpan Span)> objects, List<Diagnostic> diagnostics)
    {
        var builders = new Dictionary<(string, string), NftTableBuilder>();
        var order = new List<NftTableBuilder>();
        NftTableBuilder? Find(JsonElement o, string key, SourceSpan at)
        {
            var family = o.TryGetProperty("family", out var f) ? f.GetString() ?? "" : "";
            var table = o.TryGetProperty(key, out var t) ? t.GetString() ?? "" : "";
            if (builders.TryGetValue((family, table), out var b)) return b;
            diagnostics.Add(NftMessages.Malformed(at, "a table listed before its contents", $"'{family} {table}', which is not listed"));
            return null;
        }

        // Tables, sets and chains first: rules refer to them by name, never by position.
        foreach (var (o, at) in objects)
        {
            if (o.ValueKind != JsonValueKind.Object) continue;
            foreach (var item in o.EnumerateObject())
            {
                var v = item.Value;
                Guarded(item.Name, at, diagnostics, () =>
                {
                    switch (item.Name)
                    {
                        case "table":
                            var b = new NftTableBuilder(v.GetProperty("family").GetString() ?? "", v.GetProperty("name").GetString() ?? "", at);
                            if (builders.TryAdd((b.Family, b.Name), b)) order.Add(b);
                            break;
                        case "set" or "map":
                            Find(v, "table", at)?.AddSet(NftSet.Read(v));
                            break;
                        case "chain":
                            Find(v, "table", at)?.AddChain(v, at);
                            break;
                    }
                });
            }
        }

        foreach (var (o, at) in objects)
            if (o.ValueKind == JsonValueKind.Object && o.TryGetProperty("rule", out var rule))
                Guarded("rule", at, diagnostics, () => Find(rule, "table", at)?.AddRule(rule, at, diagnostics));
        var tables = new List<Table>(order.Count);
        foreach (var b in order) Guarded("table", b.At, diagnostics, () => tables.Add(b.Build(diagnostics)));
        return tables;
    }

    /// <summary>
    /// Reads one object of the listing; a field missing or of the wrong type (which nft never
    /// writes) makes that object an error at its position instead of an exception. The readers
    /// below ask for the fields nft always writes, and this is where a listing that lacks them stops.
    /// </summary>
    private static void Guarded(string kind, SourceSpan at, List<Diagnostic> diagnostics, Action read)
    {
        try
        {
            read();
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException or ArgumentException or IndexOutOfRangeException)
        {
            var why = e switch
            {
                KeyNotFoundException => "a field it needs is missing",
                InvalidOperationException => $"a field has the wrong type ({e.Message.TrimEnd('.')})",
                FormatException or OverflowException => "a number is not one nft writes (out of range or not an integer)",
                _ => $"a value is not one nft writes ({e.Message.TrimEnd('.')})",
            };
            diagnostics.Add(NftMessages.Malformed(at, $"a \"{kind}\" object as 'nft -j list ruleset' writes it", $"one where {why}"));
        }
    }
}
