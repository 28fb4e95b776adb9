using System.Text.RegularExpressions;

namespace DockerFw.Cli.Enforce;

/// <summary>
/// Enforce applies again and again over months: only the newest applies' files are kept in its own
/// backup directory (never an admin's <c>apply</c> backups, which live elsewhere by default).
/// </summary>
internal static partial class EnforceBackups
{
    public const int Kept = 10;

    /// <summary>Deletes the files of every apply but the newest <see cref="Kept"/>, grouped by their moment.</summary>
    public static void Prune(string directory)
    {
        try
        {
            var applies = Directory.EnumerateFiles(directory)
                .Select(path => (Path: path, Stamp: Stamp().Match(Path.GetFileName(path))))
                .Where(f => f.Stamp.Success)
                .GroupBy(f => f.Stamp.Groups["stamp"].Value, StringComparer.Ordinal)
                .OrderByDescending(g => g.Key, StringComparer.Ordinal)
                .Skip(Kept);
            foreach (var file in applies.SelectMany(g => g)) File.Delete(file.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A backup that cannot be deleted costs disk, not safety.
        }
    }

    // iptables-20261204T130210.123456Z.save, undo6-20261204T130210.123456Z-1.restore, settled-...
    [GeneratedRegex(@"^[a-z0-9]+-(?<stamp>\d{8}T\d{6}\.\d{6}Z)(-\d+)?\.[a-z]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Stamp();
}
