namespace DockerFw.Core.Docker;

/// <summary>
/// What must hold across the items of one document: an object listed twice is read once (the later
/// one, as <see cref="DockerView.Merge"/> does across files), while two networks that share a name
/// or a bridge, or two containers that share a name, cannot both be what dockerd reports, and every
/// fact keyed by name or bridge would be about one of them at random.
/// </summary>
internal static class InspectConsistency
{
    /// <param name="networks">Each network with the path of its item in the document.</param>
    public static DockerView Check(List<(DockerNetwork Item, string Path)> networks, List<(DockerContainer Item, string Path)> containers, InspectProblems problems)
    {
        var keptNetworks = Deduplicate(networks, n => n.Id, n => $"network '{n.Name}'", problems);
        var keptContainers = Deduplicate(containers, c => c.Id, c => $"container '{c.Name}'", problems);

        foreach (var clash in keptNetworks.Where(n => n.Item.Name.Length > 0).GroupBy(n => n.Item.Name).Where(g => g.Count() > 1))
            problems.Error(clash.Last().Path, $"expected one network named '{clash.Key}', but got {clash.Count()} (ids {string.Join(", ", clash.Select(n => Short(n.Item.Id)))}): reports and policies name networks, so a name must be one network");
        foreach (var clash in keptNetworks.Where(n => n.Item.Bridge is not null).GroupBy(n => n.Item.Bridge!).Where(g => g.Count() > 1))
            problems.Error(clash.Last().Path, $"expected one network on bridge '{clash.Key}', but networks {string.Join(", ", clash.Select(n => $"'{n.Item.Name}'"))} all claim it");
        foreach (var clash in keptContainers.Where(c => c.Item.Name.Length > 0).GroupBy(c => c.Item.Name).Where(g => g.Count() > 1))
            problems.Error(clash.Last().Path, $"expected one container named '{clash.Key}', but got {clash.Count()} (ids {string.Join(", ", clash.Select(c => Short(c.Item.Id)))})");
        return new DockerView([.. keptNetworks.Select(n => n.Item)], [.. keptContainers.Select(c => c.Item)]);
    }

    private static List<(T Item, string Path)> Deduplicate<T>(List<(T Item, string Path)> items, Func<T, string> id, Func<T, string> what, InspectProblems problems)
    {
        var kept = new List<(T, string)>(items.Count);
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (item, path) in items)
        {
            var key = id(item);
            if (key.Length > 0 && byId.TryGetValue(key, out var earlier))
            {
                problems.Warning(path, $"{what(item)} (id {Short(key)}) is listed twice; the later one is read");
                kept[earlier] = (item, path);
                continue;
            }

            if (key.Length > 0) byId[key] = kept.Count;
            kept.Add((item, path));
        }

        return kept;
    }

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;
}
