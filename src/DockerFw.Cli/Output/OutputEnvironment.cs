using DockerFw.Cli.Input;

namespace DockerFw.Cli.Output;

/// <summary>
/// What output depends on outside the command line: the directory paths are shown relative to and
/// <c>NO_COLOR</c> (https://no-color.org). Injected so tests can pin both without touching the process.
/// </summary>
internal sealed record OutputEnvironment(string WorkingDirectory, bool NoColor)
{
    public static OutputEnvironment FromProcess() => new(
        Environment.CurrentDirectory,
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")));

    /// <summary>
    /// A path as reports show it: relative to <see cref="WorkingDirectory"/> with forward slashes when
    /// it lies below it, <c>&lt;stdin&gt;</c> for <c>-</c>, else absolute. Keeps reports (and SARIF uris) the same on every machine.
    /// </summary>
    public string Display(string path)
    {
        if (path == "-") return DumpLoader.StdinName;
        if (path.StartsWith('<')) return path;
        var full = Path.GetFullPath(path, WorkingDirectory);
        var relative = Path.GetRelativePath(WorkingDirectory, full);
        var below = relative != "." && !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative);
        return below ? relative.Replace(Path.DirectorySeparatorChar, '/') : full;
    }
}
