using DockerFw.Cli.Commands;
using DockerFw.Cli.Output;
using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DockerFw.Cli.Tests.Audit;

/// <summary>
/// The bundled sample host (samples/lab-host), audited through the real root command with paths shown
/// relative to the repository, as a user running from the clone sees them.
/// </summary>
internal static class LabHost
{
    public static string PathOf(string file) => Path.Combine(Corpus.RepoRoot, "samples", "lab-host", file);

    /// <summary>The README's main command: both dumps and both Docker JSON files.</summary>
    public static string[] Inputs =>
    [
        "--iptables", PathOf("iptables-save"),
        "--ip6tables", PathOf("ip6tables-save"),
        "--docker", PathOf("docker-networks.json"),
        "--docker", PathOf("docker-containers.json"),
    ];

    public static CliRun Audit(params string[] options) => Run(["audit", .. Inputs, .. options]);

    public static CliRun Run(string[] args, string stdin = "") =>
        Dockerfw.Run(args, stdin, services => services.AddSingleton(new OutputEnvironment(Corpus.RepoRoot, NoColor: false)));

    /// <summary>The tool's informational version carries the commit; snapshots must not change with each commit.</summary>
    /// The HTML report's encoder writes its '+' as a character reference.
    public static string WithoutVersion(string output) => output
        .Replace(RootCommandFactory.Version, "VERSION")
        .Replace(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(RootCommandFactory.Version), "VERSION");
}
