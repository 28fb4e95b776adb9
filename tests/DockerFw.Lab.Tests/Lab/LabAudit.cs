using System.Text.Json;
using DockerFw.Cli;

namespace DockerFw.Lab.Tests.Lab;

/// <summary>
/// One run of <c>dockerfw audit --netns NS --docker-host unix://SOCK --format json</c> through the real
/// root command, in-process, and the claims of its report, read from the documented JSON.
/// </summary>
public sealed class LabAudit
{
    private LabAudit(int exitCode, string json, string error)
    {
        ExitCode = exitCode;
        Json = json;
        Error = error;
        Root = JsonDocument.Parse(json).RootElement.Clone();
    }

    public int ExitCode { get; }

    public string Json { get; }

    public string Error { get; }

    public JsonElement Root { get; }

    public static LabAudit Of(LabDaemon lab, params string[] extra)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = DockerFwApp.Run(
            ["audit", "--netns", lab.Netns, "--docker-host", lab.DockerHost, "--format", "json", "--fail-on", "high", .. extra],
            new StandardStreams(new StringReader(""), output, error));
        if (exit is not (0 or 1)) throw new InvalidOperationException($"dockerfw audit exited {exit}: {error}\n{output}");
        return new LabAudit(exit, output.ToString(), error.ToString());
    }

    public JsonElement Network(string name) =>
        Root.GetProperty("networks").EnumerateArray().SingleOrDefault(n => n.GetProperty("name").GetString() == name) is { ValueKind: JsonValueKind.Object } n
            ? n
            : throw new Xunit.Sdk.XunitException($"the audit reports no network {name}:\n{Json}");

    public bool? Effective(string network, string setting) =>
        Network(network).GetProperty(setting).GetProperty("effective") is { ValueKind: JsonValueKind.True or JsonValueKind.False } e ? e.GetBoolean() : null;

    /// <summary>The effective value as the JSON writes it: <c>true</c>, <c>false</c>, <c>null</c> or <c>partial</c>.</summary>
    public string EffectiveWord(string network, string setting) =>
        Network(network).GetProperty(setting).GetProperty("effective") is var e && e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();

    /// <summary>The flows of a partial setting (none when it is not partial).</summary>
    public IEnumerable<JsonElement> SettingFlows(string network, string setting) =>
        Network(network).GetProperty(setting).TryGetProperty("flows", out var flows) ? flows.EnumerateArray() : [];

    public bool? Declared(string network, string setting) =>
        Network(network).GetProperty(setting).GetProperty("declared") is { ValueKind: JsonValueKind.True or JsonValueKind.False } e ? e.GetBoolean() : null;

    /// <summary>The verdict for new connections from one network's containers to another's: allowed, denied or partial.</summary>
    public string Reach(string from, string to) =>
        Oracle.MatrixJson.Entries(Root.GetProperty("reachability"))
            .SingleOrDefault(r => r.GetProperty("from").GetString() == from && r.GetProperty("to").GetString() == to) is { ValueKind: JsonValueKind.Object } r
            ? r.GetProperty("verdict").GetString()!
            : throw new Xunit.Sdk.XunitException($"the audit reports nothing from {from} to {to}:\n{Json}");

    public IEnumerable<JsonElement> Flows(string from, string to) =>
        Oracle.MatrixJson.Entries(Root.GetProperty("reachability"))
            .Single(r => r.GetProperty("from").GetString() == from && r.GetProperty("to").GetString() == to)
            .GetProperty("flows").EnumerateArray();

    public IEnumerable<JsonElement> Findings(string code) =>
        Root.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("code").GetString() == code);

    public IEnumerable<string> Codes => Root.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()!);

    public static IEnumerable<string> Names(JsonElement finding, string property) =>
        finding.GetProperty(property).EnumerateArray().Select(e => e.GetString()!);

    public IEnumerable<JsonElement> Links => Root.GetProperty("links").EnumerateArray();

    public IEnumerable<JsonElement> PublishedPorts => Root.GetProperty("published_ports").EnumerateArray();

    /// <summary>The report without what changes from run to run (the tool version aside, nothing should).</summary>
    public string Part(string property) => Root.GetProperty(property).GetRawText();
}
