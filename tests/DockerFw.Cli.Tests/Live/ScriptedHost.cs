using DockerFw.Cli.Input;
using DockerFw.Cli.Live;

namespace DockerFw.Cli.Tests.Live;

/// <summary>A host that answers each command line with a scripted outcome, and records what was run.</summary>
internal sealed class ScriptedHost(Dictionary<string, CommandOutcome> answers, bool nftInstalled = true) : IHostCommandRunner
{
    public List<string> Commands { get; } = [];

    public CommandOutcome Run(string program, IReadOnlyList<string> arguments)
    {
        var line = ProcessCommandRunner.Describe(program, arguments);
        Commands.Add(line);
        var answer = answers.FirstOrDefault(a => line.EndsWith(a.Key, StringComparison.Ordinal) || line.Contains(a.Key + " ", StringComparison.Ordinal));
        return answer.Value ?? throw new InvalidOperationException($"unscripted command: {line}");
    }

    public bool IsInstalled(string program) => program != "nft" || nftInstalled;

    public static CommandOutcome Ok(string stdout, string stderr = "") => new(0, stdout, stderr);
}

internal sealed class FixedPrivilege(bool root) : IPrivilege
{
    public bool IsRoot => root;
}
