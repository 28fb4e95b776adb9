using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>The probes of a run and what came back, as a fixture keeps them (traffic.json): the answer the kernel gave.</summary>
public static class TrafficFile
{
    private sealed record Row(
        [property: JsonPropertyName("from")] string From,
        [property: JsonPropertyName("source")] string? Source,
        [property: JsonPropertyName("destination")] string Destination,
        [property: JsonPropertyName("transport")] string Transport,
        [property: JsonPropertyName("port")] int Port,
        [property: JsonPropertyName("listening")] bool Listening,
        [property: JsonPropertyName("outcome")] string Outcome,
        [property: JsonPropertyName("source_port")] int? SourcePort = null,
        [property: JsonPropertyName("reply_route"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? ReplyRoute = null,
        [property: JsonPropertyName("reply_from"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReplyFrom = null,
        [property: JsonPropertyName("seen_as"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SeenAs = null);

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public static string Write(IEnumerable<ProbeResult> results) =>
        JsonSerializer.Serialize(results.Select(r => new Row(
            r.Probe.From, r.Probe.Source?.ToString(), r.Probe.Destination.ToString(), r.Probe.Transport.ToString().ToLowerInvariant(),
            r.Probe.Port, r.Probe.Listening, r.Outcome.ToString().ToLowerInvariant(), r.SourcePort, r.Probe.ReplyRoute, r.Probe.ReplyFrom?.ToString(), r.SeenAs?.ToString())).ToList(), Options);

    public static IReadOnlyList<ProbeResult> Read(string json) =>
        JsonSerializer.Deserialize<List<Row>>(json)!.Select(r => new ProbeResult(
            new Probe(r.From, "", r.Source is null ? null : IPAddress.Parse(r.Source), IPAddress.Parse(r.Destination),
                Enum.Parse<Transport>(r.Transport, ignoreCase: true), r.Port, r.Listening) { ReplyRoute = r.ReplyRoute, ReplyFrom = r.ReplyFrom is null ? null : IPAddress.Parse(r.ReplyFrom) },
            Enum.Parse<Outcome>(r.Outcome, ignoreCase: true), r.SourcePort) { SeenAs = r.SeenAs is null ? null : IPAddress.Parse(r.SeenAs) }).ToList();
}
