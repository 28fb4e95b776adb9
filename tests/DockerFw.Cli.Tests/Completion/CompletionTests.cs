using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Completion;

/// <summary>
/// `dockerfw completion bash|zsh|fish`, run by the real shells: the scripts ask dockerfw itself, so
/// what a shell offers is what the installed version accepts.
/// </summary>
public sealed class CompletionTests : IDisposable
{
    private readonly string bin = Directory.CreateTempSubdirectory("dfw-completion-").FullName;

    public CompletionTests()
    {
        // `dockerfw` on PATH, as a package installs it: the built program.
        var shim = Path.Combine(bin, "dockerfw");
        File.WriteAllText(shim, $"#!/bin/sh\nexec dotnet '{typeof(DockerFwApp).Assembly.Location}' \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => Directory.Delete(bin, recursive: true);

    [Fact]
    public void The_completion_request_answers_commands_options_and_values_as_cobra_does()
    {
        Assert.Equal("audit\tAudit a Docker host's firewall: isolation, icc, masquerade, links, published ports\n:0\n", Dockerfw.Run("__complete", "au").Out);
        Assert.Equal(":4", Dockerfw.Run("__complete", "audit", "--fo").Out.Split('\n')[^2]);
        Assert.Contains("html\n", Dockerfw.Run("__complete", "audit", "--format", "").Out, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_shell_is_a_usage_error()
    {
        Assert.Equal(3, Dockerfw.Run("completion", "powershell").ExitCode);
    }

    [Fact]
    public void Bash_offers_the_commands_and_an_options_values()
    {
        var commands = Shell("bash", "-c", """source <(dockerfw completion bash); COMP_WORDS=(dockerfw a); COMP_CWORD=1; _dockerfw; printf '%s\n' "${COMPREPLY[@]}" """);
        var formats = Shell("bash", "-c", """source <(dockerfw completion bash); COMP_WORDS=(dockerfw audit --format j); COMP_CWORD=3; _dockerfw; printf '%s\n' "${COMPREPLY[@]}" """);

        Assert.Equal(["apply", "audit"], commands);
        Assert.Equal(["json", "junit"], formats);
    }

    [ShellFact("zsh")]
    public void Zsh_describes_the_candidates_with_their_help()
    {
        // _describe and _files are zsh's completion system's; here they print what they were given.
        var lines = Shell("zsh", "-c", """
            _describe() { print -rl -- "${(@P)${@[-1]}}" }
            _files() { print files }
            compdef() { }
            eval "$(dockerfw completion zsh)"
            words=(dockerfw tr); CURRENT=2; _dockerfw
            """);

        var help = Dockerfw.Run("__complete", "tr").Out.Split('\n')[0].Split('\t')[1];
        Assert.Equal(["trace:" + help], lines);
    }

    [ShellFact("fish")]
    public void Fish_completes_a_command_line()
    {
        // Run where a file starting with s exists: a value of --format is no file name.
        File.WriteAllText(Path.Combine(bin, "samples.txt"), "");
        var formats = Shell("fish", "-c", "cd " + bin + "; dockerfw completion fish | source; complete -C 'dockerfw audit --format s'");
        var files = Shell("fish", "-c", "cd " + bin + "; dockerfw completion fish | source; complete -C 'dockerfw audit --iptables sa'");

        Assert.Equal(["sarif"], formats);
        Assert.Equal(["samples.txt"], files);
    }

    private List<string> Shell(string shell, params string[] args)
    {
        var environment = new Dictionary<string, string> { ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"), ["HOME"] = bin };
        var run = Processes.Run(shell, args, TimeSpan.FromMinutes(1), environment: environment);
        Assert.False(run.TimedOut, $"{shell} did not finish");
        Assert.True(run.Ok, $"{shell} exited {run.ExitCode}: {run.Error}");
        return [.. run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }
}

/// <summary>A fact that needs a shell (CI installs zsh and fish); skipped with the reason where it is missing.</summary>
internal sealed class ShellFactAttribute : FactAttribute
{
    public ShellFactAttribute(string shell)
    {
        if (!File.Exists($"/usr/bin/{shell}")) Skip = $"SKIPPED: needs /usr/bin/{shell} (apt-get install {shell}; CI installs it)";
    }
}
