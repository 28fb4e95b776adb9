using System.Text.Json;
using DockerFw.Cli;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Apply;

/// <summary><c>dockerfw apply --policy</c> and <c>audit --policy</c> on the lab's live namespace, through the real root command.</summary>
internal static class PolicyRuns
{
    /// <summary>An audit's exit code, its output (stdout and stderr) and its JSON report.</summary>
    public sealed record PolicyAudit(int Exit, string Output, JsonElement Root)
    {
        /// <summary>The policy findings' codes (DFW9xx), in the report's order.</summary>
        public List<string> Codes => [.. Root.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()!).Where(c => c.StartsWith("DFW9", StringComparison.Ordinal))];

        public IEnumerable<JsonElement> Findings(string code) =>
            Root.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("code").GetString() == code);
    }

    /// <summary>
    /// <c>audit --policy</c>, failing on what a policy finding is at least (medium); the report's
    /// other findings are Docker's own intent, judged elsewhere.
    /// </summary>
    public static PolicyAudit Audit(LabDaemon lab, string policy)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = DockerFwApp.Run(
            ["audit", "--netns", lab.Netns, "--docker-host", lab.DockerHost, "--policy", policy, "--format", "json", "--fail-on", "medium"],
            new StandardStreams(new StringReader(""), output, error));
        if (exit is not (0 or 1)) throw new InvalidOperationException($"dockerfw audit --policy exited {exit}: {error}\n{output}");
        return new PolicyAudit(exit, output + error.ToString(), JsonDocument.Parse(output.ToString()).RootElement.Clone());
    }

    public static (int Exit, string Output) Apply(LabDaemon lab, string policy, string backups) =>
        Run(lab, backups, "--policy", policy);

    /// <summary><c>apply --remove</c>: dockerfw's chain and its jumps taken away.</summary>
    public static (int Exit, string Output) Remove(LabDaemon lab, string backups) => Run(lab, backups, "--remove");

    private static (int Exit, string Output) Run(LabDaemon lab, string backups, params string[] what)
    {
        var output = new StringWriter { NewLine = "\n" };
        var exit = DockerFwApp.Run(
            ["apply", .. what, "--netns", lab.Netns, "--docker-host", lab.DockerHost, "--yes", "--backup-dir", backups],
            new StandardStreams(new StringReader(""), output, output));
        return (exit, output.ToString());
    }
}
