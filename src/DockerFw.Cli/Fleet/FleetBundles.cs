using DockerFw.Cli.Capture;

namespace DockerFw.Cli.Fleet;

/// <summary>
/// The bundles a fleet run names: each argument a bundle (a directory holding manifest.json, or a
/// .tar.gz), or a directory of bundles (its entries that are bundles, by name). Each host is called
/// by its bundle's name, which is unique in a run.
/// </summary>
internal static class FleetBundles
{
    public static IReadOnlyList<(string Name, string Path)> Expand(IEnumerable<string> arguments)
    {
        var bundles = new List<(string, string)>();
        foreach (var argument in arguments)
        {
            if (Directory.Exists(argument) && !File.Exists(Path.Combine(argument, BundleManifest.FileName)))
            {
                var inside = Directory.EnumerateFileSystemEntries(argument)
                    .Where(e => Directory.Exists(e) ? File.Exists(Path.Combine(e, BundleManifest.FileName)) : Bundle.IsArchive(e))
                    .Order(StringComparer.Ordinal).ToList();
                if (inside.Count == 0) throw new CliFailure($"{argument} is neither a bundle nor a directory of bundles (no {BundleManifest.FileName} in it or in its directories, no .tar.gz)");
                bundles.AddRange(inside.Select(e => (NameOf(e), e)));
            }
            else if (Directory.Exists(argument) || File.Exists(argument))
            {
                bundles.Add((NameOf(argument), argument));
            }
            else
            {
                throw new CliFailure($"no bundle at {argument}: give the directories or .tar.gz files dockerfw capture wrote, or a directory of them");
            }
        }

        foreach (var twice in bundles.GroupBy(b => b.Item1).Where(g => g.Count() > 1))
            throw new CliFailure($"two bundles are named {twice.Key} ({string.Join(", ", twice.Select(b => b.Item2))}): fleet calls each host by its bundle's name; rename one");
        return bundles;
    }

    private static string NameOf(string path)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
        foreach (var extension in new[] { Bundle.Extension, ".tgz" })
            if (name.EndsWith(extension, StringComparison.Ordinal)) return name[..^extension.Length];
        return name;
    }
}
