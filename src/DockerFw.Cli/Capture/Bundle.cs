using System.Text;

namespace DockerFw.Cli.Capture;

/// <summary>
/// A bundle read whole and checked: its manifest, and every file the manifest lists with the SHA-256
/// it was captured with. Files are bytes, decoded as the live reader decoded them (UTF-8).
/// </summary>
/// <param name="Source">The directory or .tar.gz it was read from, for messages.</param>
internal sealed record Bundle(string Source, BundleManifest Manifest, IReadOnlyDictionary<string, byte[]> Files)
{
    public const string Extension = ".tar.gz";

    /// <summary>Whether OUT or --bundle names an archive rather than a directory.</summary>
    public static bool IsArchive(string path) =>
        path.EndsWith(Extension, StringComparison.Ordinal) || path.EndsWith(".tgz", StringComparison.Ordinal);

    public string Text(string file) => Encoding.UTF8.GetString(Files[file]);

    /// <summary>Where a person (or a SARIF viewer) finds one of its files: on disk in a directory bundle, a member of an archive.</summary>
    public Input.DumpFile FileOf(string file) => IsArchive(Source)
        ? new Input.DumpFile(file, 0, Captured: true, Archive: Source)
        : new Input.DumpFile(Path.Combine(Source, file), 0, Captured: true, Archive: null);
}
