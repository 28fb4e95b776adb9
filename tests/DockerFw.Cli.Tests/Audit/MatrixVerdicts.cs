using System.Text.Json;

namespace DockerFw.Cli.Tests.Audit;

/// <summary>
/// The verdict of every ordered pair of a matrix of the audit JSON (schema v2): the listed pairs, and
/// every other pair of its networks with the <c>unlisted</c> verdict.
/// </summary>
internal static class MatrixVerdicts
{
    public static List<(string From, string To, string Verdict)> Of(JsonElement matrix)
    {
        var listed = matrix.GetProperty("pairs").EnumerateArray()
            .ToDictionary(p => (p.GetProperty("from").GetString()!, p.GetProperty("to").GetString()!), p => p.GetProperty("verdict").GetString()!);
        var unlisted = matrix.GetProperty("unlisted").GetString()!;
        var names = matrix.GetProperty("networks").EnumerateArray().Select(n => n.GetString()!).ToList();
        return [.. from a in names from b in names where a != b select (a, b, listed.GetValueOrDefault((a, b), unlisted))];
    }

    public static List<(string From, string To, string Verdict)> Of(string json, string key) =>
        Of(JsonDocument.Parse(json).RootElement.GetProperty(key));
}
