using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using DockerFw.Cli.Input;

namespace DockerFw.Cli.Capture;

/// <summary>
/// Reads a bundle (a directory or a <c>.tar.gz</c>) for <c>--bundle</c>: every file its manifest
/// lists, bounded (<see cref="BundleLimits"/>), each checked against its SHA-256. A changed file, a
/// name or link that leads outside the bundle, a file the index names but the manifest does not:
/// each is an error naming the file, and nothing is judged from such a bundle.
/// </summary>
internal static class BundleReader
{
    public static Bundle Read(string source)
    {
        var files = Directory.Exists(source) ? null : ReadArchive(source);
        var manifestBytes = files is null ? ReadFromDirectory(source, BundleManifest.FileName, BundleLimits.Manifest)
            : files.GetValueOrDefault(BundleManifest.FileName) ?? throw new CliFailure(NoManifest(source));
        var manifest = ManifestJson.Read(manifestBytes, source);

        var verified = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        long total = 0;
        foreach (var (name, sha256) in manifest.Files)
        {
            BundlePath.Check(name, source);
            var bytes = files is null ? ReadFromDirectory(source, name, BundleLimits.File)
                : files.GetValueOrDefault(name) ?? throw new CliFailure($"{source}: {name} is in the manifest but not in the archive");
            total += bytes.LongLength;
            if (total > BundleLimits.Total) throw BoundedRead.TooLarge(source, BundleLimits.Total, "a bundle");
            var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (!string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
                throw new CliFailure($"{source}: {name} was changed after the capture (its SHA-256 is {actual}, the manifest says {sha256}); capture the host again rather than edit a bundle");
            verified[name] = bytes;
        }

        CheckIndex(manifest, source);
        return new Bundle(source, manifest, verified);
    }

    private static string NoManifest(string source) => $"{source} holds no {BundleManifest.FileName}: is it a bundle written by dockerfw capture?";

    // Every file the index answers from is one whose hash was checked.
    private static void CheckIndex(BundleManifest manifest, string source)
    {
        var named = manifest.Commands.SelectMany(c => new[] { c.Stdout, c.Stderr }).Concat(manifest.Requests.Select(r => r.File)).OfType<string>();
        foreach (var file in named.Where(f => !manifest.Files.ContainsKey(f)))
            throw new CliFailure($"{source}: the manifest's index names {BundlePath.Printable(file)}, which its list of files (and their SHA-256) lacks");
    }

    private static byte[] ReadFromDirectory(string root, string name, long limit)
    {
        // A link anywhere on the way (the file, or a directory above it) could lead out of the bundle.
        var path = root;
        foreach (var part in name.Split('/'))
        {
            path = Path.Combine(path, part);
            FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
            if (info.LinkTarget is not null)
                throw new CliFailure($"{root}: {name} is reached through a symbolic link ({path}): a bundle's files stay inside it; refusing the bundle");
            if (!info.Exists)
                throw new CliFailure(name == BundleManifest.FileName ? NoManifest(root) : $"{root}: {name} is in the manifest but not in the bundle");
        }

        return BoundedRead.Bytes(path, limit, "a bundle file");
    }

    /// <summary>Every regular member of the archive by name, with a leading <c>./</c> or one top directory around the manifest taken off.</summary>
    private static Dictionary<string, byte[]> ReadArchive(string source)
    {
        if (!File.Exists(source)) throw new CliFailure($"no bundle at {source}: give the directory or the .tar.gz that dockerfw capture wrote");
        var members = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        long total = 0;
        try
        {
            using var file = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                if (entry.EntryType == TarEntryType.Directory || name.Length == 0) continue;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                    throw new CliFailure($"{source}: '{BundlePath.Printable(entry.Name)}' is a {entry.EntryType} member, not a file: a bundle holds files only; refusing the bundle");
                BundlePath.Check(name, source);
                if (entry.Length > BundleLimits.File) throw BoundedRead.TooLarge($"{source}: {name}", BundleLimits.File, "a bundle file");
                total += entry.Length;
                if (total > BundleLimits.Total) throw BoundedRead.TooLarge(source, BundleLimits.Total, "a bundle");
                var bytes = entry.DataStream is null ? [] : BoundedRead.Bytes(entry.DataStream, BundleLimits.File, $"{source}: {name}", "a bundle file");
                if (!members.TryAdd(name, bytes))
                    throw new CliFailure($"{source}: {name} is in the archive twice; refusing the bundle");
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException or UnauthorizedAccessException)
        {
            throw new CliFailure($"{source} is not a readable .tar.gz bundle: {e.Message}");
        }

        return WithoutTopDirectory(members);
    }

    // `tar czf b.tar.gz bundle/` puts every name under bundle/: the manifest says where the bundle starts.
    private static Dictionary<string, byte[]> WithoutTopDirectory(Dictionary<string, byte[]> members)
    {
        if (members.ContainsKey(BundleManifest.FileName)) return members;
        var top = members.Keys.Where(k => k.EndsWith("/" + BundleManifest.FileName, StringComparison.Ordinal) && k.Count(c => c == '/') == 1).ToList();
        if (top.Count != 1) return members;
        var prefix = top[0][..(top[0].Length - BundleManifest.FileName.Length)];
        return members.Where(m => m.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(m => m.Key[prefix.Length..], m => m.Value, StringComparer.Ordinal);
    }
}
