namespace DockerFw.Cli.Capture;

/// <summary>
/// The names a bundle may use for its files: relative, '/'-separated, with no empty, '.' or '..'
/// part, so that no manifest entry or archive member reaches outside the bundle.
/// </summary>
internal static class BundlePath
{
    /// <summary>Null when <paramref name="name"/> stays inside the bundle, else why not.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0) return "an empty name";
        if (name.StartsWith('/')) return "an absolute path";
        if (name.Contains('\\') || name.Contains('\0')) return "a name with '\\' or NUL";
        if (name.Split('/').Any(part => part is "" or "." or "..")) return "a path with an empty, '.' or '..' part";
        return null;
    }

    public static void Check(string name, string source)
    {
        if (Problem(name) is { } problem)
            throw new CliFailure($"{source}: '{Printable(name)}' is {problem}: a bundle's files stay inside it; refusing the bundle");
    }

    public static string Printable(string name) =>
        new([.. name.Take(200).Select(c => char.IsControl(c) ? '?' : c)]);
}
