namespace DockerFw.Cli.Apply;

/// <summary>The files an apply writes next to its backups, each new and flushed to disk before it is used.</summary>
internal static class BackupFiles
{
    /// <summary>
    /// A new file named after the moment, never an existing one: two applies within the same tick (or
    /// a clock set back) get <c>-1</c>, <c>-2</c>... instead of overwriting a backup a rollback may need.
    /// A file left partly written (a full disk) is removed, so no 0-byte backup is mistaken for one.
    /// </summary>
    public static string WriteDurably(string directory, string stem, string extension, string text)
    {
        Directory.CreateDirectory(directory);
        for (var n = 0; ; n++)
        {
            var path = Path.Combine(directory, n == 0 ? stem + extension : $"{stem}-{n}{extension}");
            FileStream file;
            try
            {
                file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            }
            catch (IOException) when (File.Exists(path))
            {
                continue;
            }

            try
            {
                using (file)
                using (var writer = new StreamWriter(file))
                {
                    writer.Write(text);
                    writer.Flush();
                    file.Flush(flushToDisk: true);
                }
            }
            catch (IOException)
            {
                File.Delete(path);
                throw;
            }

            return path;
        }
    }

    /// <summary>Why the backup directory cannot hold backups (a file, unwritable, a full disk), or null when it can.</summary>
    public static string? Problem(string directory)
    {
        if (File.Exists(directory)) return $"the backup directory {directory} is a file";
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".dockerfw-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot write backups to {directory}: {e.Message}";
        }
    }

    /// <summary>A path quoted for sh.</summary>
    public static string Quoted(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
