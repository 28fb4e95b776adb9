namespace DockerFw.Cli.Apply;

/// <summary>
/// One apply at a time per firewall (the host's, or one namespace's): two at once would each plan on
/// rules the other is changing, and one's rollback could undo what the other reported applied. The
/// lock is an exclusive open of <c>/run/dockerfw/apply[-NS].lock</c> (.NET takes it with flock, so
/// the kernel drops it when the process dies, even by SIGKILL) held from planning to the end.
/// </summary>
internal static class ApplyLock
{
    public const string Directory = "/run/dockerfw";

    public static string PathFor(string? netns) => Path.Combine(Directory, netns is null ? "apply.lock" : $"apply-{netns}.lock");

    /// <summary>The held lock, or null with the reason when another apply holds it or it cannot be made.</summary>
    public static (IDisposable? Held, string? Problem) Take(string? netns)
    {
        var path = PathFor(netns);
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            return (new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None), null);
        }
        catch (IOException) when (File.Exists(path))
        {
            return (null, $"another dockerfw apply is running on {(netns is null ? "this host" : $"namespace {netns}")} (it holds {path}); nothing applied");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot take the apply lock {path}: {e.Message}; nothing applied");
        }
    }
}
