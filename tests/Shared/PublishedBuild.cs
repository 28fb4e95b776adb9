using System.Security.Cryptography;
using System.Text;

namespace DockerFw.Tests;

/// <summary>
/// scripts/publish.sh's build of this tree (the native one, the default), made once and shared by
/// every test that installs or runs it: the published directory's own tests, the Debian package and
/// the container image, across test assemblies too. A native compile costs minutes of CPU (two to
/// five on the two shared cores of CI), so it must not be paid per test, nor per assembly.
/// </summary>
/// <remarks>
/// The build lives in <c>/tmp/dockerfw-published/KEY</c>, KEY being a hash of every file the build
/// reads (src/, the finding pages it embeds, the repository's props, publish.sh): a build of other
/// sources is never taken for this one. The commit is left out, so a commit of tests or docs does not
/// cost a compile; the commit stamped into the version may then be an older one, and the tests that
/// compare outputs take the version out (<see cref="WithoutVersion"/>). A lock file
/// makes a second process (the other test assembly, run in parallel by <c>dotnet test</c>) wait for
/// the first one's build instead of compiling its own. Builds of other trees older than a day are
/// deleted, so the folder holds about one 20 MB build per working tree in use.
/// </remarks>
public static class PublishedBuild
{
    private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(30);
    private static readonly Lazy<string> Native = new(Publish, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The published directory: <c>dockerfw</c> (the launcher), <c>docker-fw</c>, <c>lib/dockerfw</c>, and <c>lib/dockerfw-fmt</c> (the fmt-only executable <c>dockerfw fmt</c> hands over to).</summary>
    public static string Directory => Native.Value;

    /// <summary>The published launcher, what /usr/bin/dockerfw is in the Debian package.</summary>
    public static string Program => Path.Combine(Directory, "dockerfw");

    public static string RepoRoot { get; } = FindRepoRoot();

    private static string Cache => Path.Combine(Path.GetTempPath(), "dockerfw-published");

    private static string Publish()
    {
        System.IO.Directory.CreateDirectory(Cache);
        var done = Path.Combine(Cache, Key());
        using var held = Lock(Path.Combine(Cache, "lock"));
        if (File.Exists(Path.Combine(done, "lib", "dockerfw"))) return done;

        var building = done + ".building";
        if (System.IO.Directory.Exists(building)) System.IO.Directory.Delete(building, recursive: true);
        Processes.Run(Path.Combine(RepoRoot, "scripts", "publish.sh"), [building], BuildLimit).EnsureOk();
        System.IO.Directory.Move(building, done);
        ForgetOldBuilds(except: done);
        return done;
    }

    /// <summary>
    /// An output of the published program with its version (which names its commit) replaced by
    /// VERSION, as plain text and as the HTML report writes it.
    /// </summary>
    public static string WithoutVersion(string output) => output
        .Replace(Version.Value, "VERSION", StringComparison.Ordinal)
        .Replace(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(Version.Value), "VERSION", StringComparison.Ordinal);

    /// <summary>What <c>--version</c> of the published program says, without "dockerfw ".</summary>
    public static Lazy<string> Version { get; } = new(() =>
        Processes.Run(Program, ["--version"]).EnsureOk().Out.Trim()["dockerfw ".Length..]);

    /// <summary>What the build is made of: each input file's path and content.</summary>
    private static string Key()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var inputs = Files("src").Concat(Files(Path.Combine("docs", "findings")))
            .Concat(System.IO.Directory.EnumerateFiles(RepoRoot, "*.props"))
            .Append(Path.Combine(RepoRoot, "scripts", "publish.sh"))
            .Order(StringComparer.Ordinal);
        foreach (var file in inputs)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(RepoRoot, file) + "\0"));
            hash.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    /// <summary>The files under a folder of the repository, without build output (bin, obj).</summary>
    private static IEnumerable<string> Files(string folder) =>
        System.IO.Directory.EnumerateFiles(Path.Combine(RepoRoot, folder), "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(RepoRoot, f).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));

    /// <summary>An exclusive lock on a file (flock on Linux), waited for as long as a build may take.</summary>
    private static FileStream Lock(string path)
    {
        var deadline = DateTime.UtcNow + BuildLimit;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(TimeSpan.FromSeconds(2));
            }
        }
    }

    private static void ForgetOldBuilds(string except)
    {
        foreach (var old in System.IO.Directory.EnumerateDirectories(Cache))
            if (old != except && System.IO.Directory.GetLastWriteTimeUtc(old) < DateTime.UtcNow.AddDays(-1))
                System.IO.Directory.Delete(old, recursive: true);
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DockerFw.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("DockerFw.sln not found above the test binaries");
    }
}
