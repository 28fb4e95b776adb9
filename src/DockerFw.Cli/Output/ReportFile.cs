namespace DockerFw.Cli.Output;

/// <summary>
/// Writes <c>--output FILE</c> as root can safely: never through a symbolic link (one planted in /tmp
/// pointing at a root-owned file would have it truncated), and whole or not at all (a temporary file
/// beside it, renamed over it, so a reader never sees half a report).
/// </summary>
internal static class ReportFile
{
    public static void Write(string path, string text)
    {
        var full = Path.GetFullPath(path);
        if (new FileInfo(full).LinkTarget is { } target)
            throw new CliFailure($"cannot write {path}: it is a symbolic link (to {target}), which dockerfw does not write through; remove it or name a plain file");
        var directory = Path.GetDirectoryName(full)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.dockerfw-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        try
        {
            // CreateNew: the temporary name cannot be a link someone made in between either.
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            using (var writer = new StreamWriter(file))
                writer.Write(text);
            // rename(2) replaces the name itself, never what a link there points to.
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Nothing was created (the directory is missing or not writable).
            }

            throw new CliFailure($"cannot write {path}: {e.Message}");
        }
    }
}
