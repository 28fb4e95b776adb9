using System.Runtime.CompilerServices;

namespace DockerFw.Tests;

/// <summary>What comparing an output with its approved snapshot found.</summary>
internal sealed record SnapshotCheck(bool Passed, string Message);

/// <summary>
/// Approved-file tests with Verify's conventions: the approved output is
/// <c>NAME.verified.txt</c>; a mismatch writes <c>NAME.received.txt</c> beside it and fails with a
/// unified diff; <c>DOCKERFW_UPDATE_SNAPSHOTS=1</c> accepts the new output instead.
/// </summary>
internal static class Snapshots
{
    public const string UpdateVariable = "DOCKERFW_UPDATE_SNAPSHOTS";

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>Compares with <c>snapshots/NAME.verified.txt</c> in the folder of the calling test file.</summary>
    public static void Verify(string actual, string name, [CallerFilePath] string testFile = "") =>
        Assert(Check(actual, PathBeside(testFile, name), Updating));

    /// <summary>Compares with <c>&lt;repo&gt;/snapshots/NAME.verified.txt</c> (NAME may hold folders).</summary>
    public static void VerifyInRepository(string actual, string name) =>
        Assert(Check(actual, PathInRepository(name), Updating));

    public static string PathBeside(string testFile, string name) =>
        Path.Combine(Path.GetDirectoryName(testFile) ?? ".", "snapshots", name + ".verified.txt");

    public static string PathInRepository(string name) =>
        Path.Combine(Corpus.RepoRoot, "snapshots", name + ".verified.txt");

    public static string ReceivedPathOf(string verifiedPath) =>
        verifiedPath.EndsWith(".verified.txt", StringComparison.Ordinal)
            ? verifiedPath[..^".verified.txt".Length] + ".received.txt"
            : throw new ArgumentException($"not a .verified.txt path: {verifiedPath}", nameof(verifiedPath));

    /// <summary>
    /// The whole comparison, with the update switch as a parameter so the helper can be tested
    /// without touching the process environment.
    /// </summary>
    public static SnapshotCheck Check(string actual, string verifiedPath, bool update)
    {
        actual = Normalize(actual);
        var receivedPath = ReceivedPathOf(verifiedPath);
        if (update)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(verifiedPath)!);
            File.WriteAllText(verifiedPath, actual);
            File.Delete(receivedPath);
            return new SnapshotCheck(true, $"accepted {verifiedPath}");
        }

        var verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (verified == actual)
        {
            File.Delete(receivedPath);
            return new SnapshotCheck(true, $"matches {verifiedPath}");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(receivedPath)!);
        File.WriteAllText(receivedPath, actual);
        var problem = verified is null
            ? $"no approved snapshot {verifiedPath}"
            : $"output differs from the approved snapshot {verifiedPath}";
        var diff = UnifiedDiff.Create(verified ?? "", actual, verified is null ? "/dev/null" : verifiedPath, receivedPath);
        return new SnapshotCheck(false,
            $"{problem}\nreceived: {receivedPath}\nreview the diff, then accept with {UpdateVariable}=1\n\n{diff}");
    }

    // A checkout with CRLF line endings must not make every snapshot differ.
    private static string Normalize(string text) => text.Replace("\r\n", "\n");

    private static void Assert(SnapshotCheck check)
    {
        if (!check.Passed) Xunit.Assert.Fail(check.Message);
    }
}
