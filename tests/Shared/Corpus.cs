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

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DockerFw.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("DockerFw.sln not found above the test binaries");
    }
}
