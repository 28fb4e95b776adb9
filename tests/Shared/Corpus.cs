using System.Text.Json;

namespace DockerFw.Tests;

/// <summary>Finds the repository root and the shared corpus beside it (../shared in CI).</summary>
internal static class Corpus
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SharedRoot { get; } = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string PathOf(params string[] parts) => Path.Combine([SharedRoot, "corpus", .. parts]);

    /// <summary>
    /// Corpus files, sorted. A missing corpus is an error, not an empty list: a test over no files
    /// would pass without checking anything.
    /// </summary>
    public static IReadOnlyList<string> Files(string folder, string pattern)
    {
        var dir = PathOf(folder);
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException($"shared corpus folder missing: {dir} (clone with ../shared beside the repo)");
        var files = Directory.EnumerateFiles(dir, pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        return files.Count > 0 ? files : throw new FileNotFoundException($"no {pattern} under {dir}");
    }

    /// <summary>The Docker corpus's iptables dumps, by file name, as theory rows.</summary>
    public static TheoryData<string> DockerIptablesDumps()
    {
        var data = new TheoryData<string>();
        foreach (var file in Files("docker", "*.iptables-save")) data.Add(Path.GetFileName(file));
        return data;
    }

    /// <summary>Where the expected audit facts of a Docker corpus dump are: X.iptables-save (or X.nft) -> X.expect.json.</summary>
    public static string ExpectPathOf(string dumpPath) => Path.ChangeExtension(dumpPath, null) + ".expect.json";

    /// <summary>The expected audit facts of a Docker corpus dump (schema in the corpus's README).</summary>
    public static JsonElement ExpectOf(string dumpPath) => JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(ExpectPathOf(dumpPath)));

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DockerFw.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("DockerFw.sln not found above the test binaries");
    }
}
