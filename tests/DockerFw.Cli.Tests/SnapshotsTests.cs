using DockerFw.Tests;

namespace DockerFw.Cli.Tests;

/// <summary>The Verify-style helper every test project uses for approved outputs.</summary>
public sealed class SnapshotsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("dfwcli-snapshots-").FullName;

    private string Verified => Path.Combine(folder, "snapshots", "case.verified.txt");

    private string Received => Path.Combine(folder, "snapshots", "case.received.txt");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void The_approved_file_is_in_a_snapshots_folder_beside_the_test_file()
    {
        var path = Snapshots.PathBeside(Path.Combine(folder, "SomeTests.cs"), "case");

        Assert.Equal(Verified, path);
        Assert.Equal(Received, Snapshots.ReceivedPathOf(path));
    }

    [Fact]
    public void A_repository_snapshot_lives_under_the_snapshots_folder_at_the_root()
    {
        Assert.Equal(Path.Combine(Corpus.RepoRoot, "snapshots", "audit", "lab-host.verified.txt"),
            Snapshots.PathInRepository("audit/lab-host"));
    }

    [Fact]
    public void Output_equal_to_the_approved_file_passes_and_removes_a_stale_received_file()
    {
        Write(Verified, "a\nb\n");
        Write(Received, "old\n");

        var check = Snapshots.Check("a\nb\n", Verified, update: false);

        Assert.True(check.Passed, check.Message);
        Assert.False(File.Exists(Received));
    }

    [Fact]
    public void An_approved_file_with_crlf_line_endings_matches_the_same_lines()
    {
        Write(Verified, "a\r\nb\r\n");

        Assert.True(Snapshots.Check("a\nb\n", Verified, update: false).Passed);
    }

    [Fact]
    public void A_mismatch_fails_writes_the_received_file_and_shows_a_unified_diff()
    {
        Write(Verified, string.Join("", Enumerable.Range(1, 10).Select(i => $"line {i}\n")));
        var actual = string.Join("", Enumerable.Range(1, 10).Select(i => i == 5 ? "line five\n" : $"line {i}\n"));

        var check = Snapshots.Check(actual, Verified, update: false);

        Assert.False(check.Passed);
        Assert.Equal(actual, File.ReadAllText(Received));
        Assert.Equal(
            $"""
            output differs from the approved snapshot {Verified}
            received: {Received}
            review the diff, then accept with DOCKERFW_UPDATE_SNAPSHOTS=1

            --- {Verified}
            +++ {Received}
            @@ -2,7 +2,7 @@
             line 2
             line 3
             line 4
            -line 5
            +line five
             line 6
             line 7
             line 8

            """,
            check.Message);
    }

    [Fact]
    public void Distant_changes_get_separate_hunks()
    {
        var before = string.Join("", Enumerable.Range(1, 20).Select(i => $"{i}\n"));
        var after = string.Join("", Enumerable.Range(1, 20).Select(i => i switch { 2 => "two\n", 19 => "nineteen\n", _ => $"{i}\n" }));

        var diff = UnifiedDiff.Create(before, after, "a", "b");

        Assert.Equal(
            """
            --- a
            +++ b
            @@ -1,5 +1,5 @@
             1
            -2
            +two
             3
             4
             5
            @@ -16,5 +16,5 @@
             16
             17
             18
            -19
            +nineteen
             20

            """,
            diff);
    }

    [Fact]
    public void A_missing_approved_file_is_a_failure_not_a_silent_first_approval()
    {
        var check = Snapshots.Check("new\n", Verified, update: false);

        Assert.False(check.Passed);
        Assert.StartsWith($"no approved snapshot {Verified}\n", check.Message);
        Assert.Contains("--- /dev/null\n", check.Message);
        Assert.Contains("+new\n", check.Message);
        Assert.False(File.Exists(Verified));
        Assert.Equal("new\n", File.ReadAllText(Received));
    }

    [Fact]
    public void Updating_accepts_the_output_and_removes_the_received_file()
    {
        Write(Verified, "old\n");
        Write(Received, "new\n");

        var check = Snapshots.Check("new\n", Verified, update: true);

        Assert.True(check.Passed);
        Assert.Equal("new\n", File.ReadAllText(Verified));
        Assert.False(File.Exists(Received));
    }

    [Fact]
    public void Verify_compares_with_the_approved_file_beside_this_test()
    {
        // The approved help text is a whole-pipeline output: a change to any option shows here.
        Snapshots.Verify(Support.Dockerfw.Run("fmt", "--help").Out, "fmt-help");
    }

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
