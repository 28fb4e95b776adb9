namespace DockerFw.Cli.Apply;

/// <summary>
/// The files of one apply, named after its moment (<see cref="Stamp"/>) and written durably before they
/// are used; the backups written so far are named when the apply stops before changing anything.
/// </summary>
internal sealed class ApplyFiles(string directory, string stamp, TextWriter log)
{
    private readonly List<string> backups = [];

    public string Directory => directory;

    public string Stamp => stamp;

    /// <summary>Writes a backup of <paramref name="what"/> and says where it is.</summary>
    public string Backup(string stem, string extension, string text, string what)
    {
        var path = Write(stem, extension, text);
        log.WriteLine($"dockerfw: backup of {what}: {path}");
        backups.Add(path);
        return path;
    }

    /// <summary>Writes an input of the apply (the plan, the undo).</summary>
    public string Write(string stem, string extension, string text) =>
        BackupFiles.WriteDurably(directory, $"{stem}-{stamp}", extension, text);

    public IReadOnlyList<string> Backups => backups;

    /// <summary>" (backups kept: ...)" when there are any, for the message that nothing was applied.</summary>
    public string Kept => backups.Count == 0 ? "" : $" (backups kept: {string.Join(", ", backups)})";
}
