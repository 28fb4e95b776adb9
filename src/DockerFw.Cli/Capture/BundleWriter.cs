using System.Formats.Tar;
using System.IO.Compression;

namespace DockerFw.Cli.Capture;

/// <summary>
/// Writes a bundle as a new directory, or as a new <c>.tar.gz</c> (manifest first, so a reader that
/// streams meets the index before the files). It never overwrites: a capture is evidence.
/// </summary>
internal static class BundleWriter
{
    public static void Write(string output, BundleManifest manifest, IReadOnlyDictionary<string, byte[]> files, DateTimeOffset time)
    {
        var all = new SortedDictionary<string, byte[]>(files.ToDictionary(), StringComparer.Ordinal);
        var entries = new[] { KeyValuePair.Create(BundleManifest.FileName, ManifestJson.Write(manifest)) }.Concat(all);
        try
        {
            if (Bundle.IsArchive(output)) WriteArchive(output, entries, time);
            else WriteDirectory(output, entries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliFailure($"cannot write the bundle {output}: {e.Message}");
        }
    }

    private static void WriteDirectory(string output, IEnumerable<KeyValuePair<string, byte[]>> entries)
    {
        if (File.Exists(output) || (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any()))
            throw new CliFailure($"{output} exists and is not an empty directory: capture writes a new bundle and overwrites nothing");
        Directory.CreateDirectory(output);
        // The manifest comes last on disk: a capture cut short leaves a directory no --bundle accepts.
        foreach (var (name, bytes) in entries.Reverse())
        {
            var path = Path.Combine(output, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
        }
    }

    private static void WriteArchive(string output, IEnumerable<KeyValuePair<string, byte[]>> entries, DateTimeOffset time)
    {
        if (File.Exists(output) || Directory.Exists(output))
            throw new CliFailure($"{output} exists: capture writes a new bundle and overwrites nothing");
        if (Path.GetDirectoryName(Path.GetFullPath(output)) is { } parent) Directory.CreateDirectory(parent);
        using var file = new FileStream(output, FileMode.CreateNew, FileAccess.Write);
        using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: false);
        foreach (var (name, bytes) in entries)
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
            {
                DataStream = new MemoryStream(bytes, writable: false),
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                ModificationTime = time,
            };
            tar.WriteEntry(entry);
        }
    }
}
