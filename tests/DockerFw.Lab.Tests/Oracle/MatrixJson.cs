using System.Text.Json;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// Every entry of a network matrix of the audit JSON, one per ordered pair of distinct networks. The
/// report (schema v2) lists only the pairs that are not denied, under the matrix's networks, and says
/// what every other pair is (<c>unlisted</c>): those are claims too, made here as entries. A v1 report
/// (the kept fixtures' audit.json) listed every pair as an array.
/// </summary>
public static class MatrixJson
{
    public static IEnumerable<JsonElement> Entries(JsonElement matrix)
    {
        if (matrix.ValueKind == JsonValueKind.Array)
        {
            foreach (var e in matrix.EnumerateArray()) yield return e;
            yield break;
        }

        if (matrix.ValueKind != JsonValueKind.Object) yield break;
        var listed = matrix.GetProperty("pairs").EnumerateArray().ToList();
        foreach (var e in listed) yield return e;
        var unlisted = matrix.GetProperty("unlisted").GetString()!;
        var seen = listed.Select(e => (e.GetProperty("from").GetString(), e.GetProperty("to").GetString())).ToHashSet();
        var names = matrix.GetProperty("networks").EnumerateArray().Select(n => n.GetString()!).ToList();
        foreach (var from in names)
            foreach (var to in names)
                if (from != to && !seen.Contains((from, to)))
                    yield return JsonSerializer.SerializeToElement(new Dictionary<string, object>
                    {
                        ["from"] = from, ["to"] = to, ["verdict"] = unlisted, ["flows"] = Array.Empty<object>(),
                    });
    }
}
