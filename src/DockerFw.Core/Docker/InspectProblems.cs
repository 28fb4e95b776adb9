using System.Collections.Immutable;
using DockerFw.Core.Text;

namespace DockerFw.Core.Docker;

/// <summary>
/// The problems found while reading one Docker JSON document, each at the path of the value it is
/// about; positions are looked up once, at the end, and only when there is a problem.
/// </summary>
internal sealed class InspectProblems(string json, string file)
{
    private readonly List<(string Path, bool Error, string Message)> found = [];

    public void Error(string path, string message) => found.Add((path, true, message));

    public void Warning(string path, string message) => found.Add((path, false, message));

    public ImmutableArray<Diagnostic> Diagnostics()
    {
        if (found.Count == 0) return [];
        var positions = JsonPositions.Find(json, file);
        return [.. found.Select(p =>
        {
            var at = positions.GetValueOrDefault(p.Path) ?? new SourceSpan(file, 1, 1);
            return p.Error ? DockerMessages.BadItem(at, p.Message) : DockerMessages.ItemIgnored(at, p.Message);
        })];
    }
}
