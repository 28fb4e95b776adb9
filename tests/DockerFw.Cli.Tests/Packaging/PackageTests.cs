using System.Diagnostics;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Packaging;

/// <summary>
/// The installs people already know, built from this tree and installed as a user would, into
/// places of the test's own (never the machine's): the Debian package with <c>dpkg --root</c>, the
/// .NET tool with <c>dotnet tool install --tool-path</c>. Each installed program then audits the
/// bundled sample host. The package holds the native build (PublishedBuild); the tool is the JIT
/// build (docs/install.md says why).
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("dfw-package-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void The_debian_package_installs_the_program_the_plugin_the_man_page_and_completion_and_audits()
    {
        // The package of the published build the other tests share (the native one: PublishedBuild).
        Run(Path.Combine(Corpus.RepoRoot, "scripts", "build-deb.sh"), [Path.Combine(folder, "out"), PublishedBuild.Directory], TimeSpan.FromMinutes(5));
        var deb = Assert.Single(Directory.GetFiles(Path.Combine(folder, "out"), "dockerfw_*_amd64.deb"));
        var root = Path.Combine(folder, "root");
        foreach (var dir in new[] { "var/lib/dpkg/info", "var/lib/dpkg/updates" }) Directory.CreateDirectory(Path.Combine(root, dir));
        File.WriteAllText(Path.Combine(root, "var/lib/dpkg/status"), "");

        Run("dpkg", ["--root=" + root, "--force-not-root", "--force-depends", "--force-script-chrootless", "--log=/dev/null", "-i", deb]);

        var info = Run("dpkg-deb", ["--field", deb, "Package", "Depends"]);
        Assert.Contains("Package: dockerfw", info, StringComparison.Ordinal);
        // The native build links the C library only: no .NET runtime's libstdc++ or zlib to depend on.
        Assert.Contains("Depends: libc6 (>= 2.34), iptables, iproute2", info, StringComparison.Ordinal);
        foreach (var file in new[]
                 {
                     "usr/bin/dockerfw", "usr/libexec/docker/cli-plugins/docker-fw", "usr/share/man/man1/dockerfw.1.gz",
                     "usr/share/bash-completion/completions/dockerfw", "usr/share/zsh/vendor-completions/_dockerfw",
                     "usr/share/fish/vendor_completions.d/dockerfw.fish", "lib/systemd/system/dockerfw-enforce.service",
                 })
            Assert.True(File.Exists(Path.Combine(root, file)), $"the package has no /{file}");
        var status = File.ReadAllText(Path.Combine(root, "var/lib/dpkg/status"));
        Assert.Contains("Status: install ok installed", status, StringComparison.Ordinal);

        var audit = Audit(Path.Combine(root, "usr/bin/dockerfw"));
        var metadata = Run(Path.Combine(root, "usr/libexec/docker/cli-plugins/docker-fw"), ["docker-cli-plugin-metadata"]);
        using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(Path.Combine(root, "usr/share/man/man1/dockerfw.1.gz")), System.IO.Compression.CompressionMode.Decompress);
        var man = new StreamReader(gzip).ReadToEnd();

        Assert.Equal(Expected(), PublishedBuild.WithoutVersion(audit));
        Assert.Empty(Directory.GetFiles(Path.Combine(root, "usr/lib/dockerfw/lib"), "*.dll"));
        Assert.Contains("\"SchemaVersion\":\"0.1.0\"", metadata, StringComparison.Ordinal);
        Assert.StartsWith(".TH DOCKERFW 1", man, StringComparison.Ordinal);
        Assert.DoesNotContain("@VERSION@", man, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dotnet_tool_installs_from_its_packages_and_audits()
    {
        var packages = Path.Combine(folder, "packages");
        Run(Path.Combine(Corpus.RepoRoot, "scripts", "pack-tool.sh"), [packages], TimeSpan.FromMinutes(15));
        var tools = Path.Combine(folder, "tools");

        Run("dotnet", ["tool", "install", "dockerfw", "--tool-path", tools, "--add-source", packages], TimeSpan.FromMinutes(5));

        Assert.Contains(Directory.GetFiles(packages, "*.nupkg").Select(Path.GetFileName), name => name!.StartsWith("dockerfw.linux-x64.", StringComparison.Ordinal));
        Assert.Contains(Directory.GetFiles(packages, "*.nupkg").Select(Path.GetFileName), name => name!.StartsWith("dockerfw.any.", StringComparison.Ordinal));
        Assert.Equal(Expected(), DockerFw.Cli.Tests.Audit.LabHost.WithoutVersion(Audit(Path.Combine(tools, "dockerfw"))));
    }

    private static readonly string[] SampleAudit =
    [
        "audit", "--iptables", "samples/lab-host/iptables-save", "--ip6tables", "samples/lab-host/ip6tables-save",
        "--docker", "samples/lab-host/docker-networks.json", "--docker", "samples/lab-host/docker-containers.json", "--format", "json",
    ];

    /// <summary>The installed program's audit of the sample, run from the repository as a user would.</summary>
    private static string Audit(string program) => Run(program, SampleAudit, workingDirectory: Corpus.RepoRoot);

    /// <summary>
    /// What the program under test says: the installed one must say the same, byte for byte, but the
    /// version (the package's build may stamp an older commit of the same sources: PublishedBuild).
    /// </summary>
    private static string Expected() =>
        DockerFw.Cli.Tests.Audit.LabHost.WithoutVersion(
            DockerFw.Cli.Tests.Audit.LabHost.Run([.. SampleAudit.Select(a => a.StartsWith("samples/", StringComparison.Ordinal) ? Path.Combine(Corpus.RepoRoot, a) : a)]).Out);

    private static string Run(string program, string[] args, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        var limit = timeout ?? TimeSpan.FromMinutes(1);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', args)} did not finish in {limit.TotalMinutes} min");
        }

        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} exited {process.ExitCode}:\n{output.Result}\n{error.Result}");
        return output.Result;
    }
}
