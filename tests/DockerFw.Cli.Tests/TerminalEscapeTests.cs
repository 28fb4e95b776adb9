using DockerFw.Cli.Tests.Support;

namespace DockerFw.Cli.Tests;

/// <summary>
/// A comment, chain or Docker name holding terminal control sequences (ESC [2J clears the screen)
/// reaches a terminal escaped, as \x1b; a pipe or a file still gets restore input byte for byte.
/// </summary>
public sealed class TerminalEscapeTests
{
    private const string Escape = "\u001b[2J";

    private static readonly string Dump = $"""
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER-USER - [0:0]
        :X{Escape}hidden - [0:0]
        -A FORWARD -j DOCKER-USER
        -A DOCKER-USER -m comment --comment "{Escape}hidden" -j X{Escape}hidden
        -A X{Escape}hidden -j ACCEPT
        COMMIT

        """;

    private static CliRun Run(string[] args, bool terminal = false)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var streams = new StandardStreams(new StringReader(Dump), output, error) { TerminalWidth = terminal ? 160 : null };
        return new CliRun(DockerFwApp.Run(args, streams), output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("trace", "--iptables", "-", "--src", "10.0.0.1", "--dst", "10.0.0.2", "--proto", "tcp", "--dport", "80", "--in", "eth0", "--out", "eth1")]
    [InlineData("reach", "--iptables", "-")]
    public void Reports_for_people_show_control_characters_escaped(params string[] args)
    {
        var run = Run(args);

        Assert.DoesNotContain('\u001b', run.Out);
        Assert.Contains("\\x1b[2Jhidden", run.Out);
    }

    [Fact]
    public void The_audit_shows_a_Docker_name_with_control_characters_escaped()
    {
        var output = new StringWriter { NewLine = "\n" };
        // The network's name is ESC [2J hidden, as JSON writes it.
        const string json = """[{"Name": "\u001b[2Jhidden", "Id": "n1", "Driver": "overlay", "IPAM": {"Config": []}}]""";
        var streams = new StandardStreams(new StringReader(json), output, new StringWriter());

        DockerFwApp.Run(["audit", "--iptables", Audit.LabHost.PathOf("iptables-save"), "--docker", "-"], streams);

        Assert.DoesNotContain('\u001b', output.ToString());
        Assert.Contains("overlay networks \\x1b[2Jhidden (overlay)", output.ToString());
    }

    [Fact]
    public void Fmt_to_a_pipe_keeps_the_bytes_restore_takes_and_to_a_terminal_escapes_them()
    {
        Assert.Contains($"--comment \"{Escape}hidden\"", Run(["fmt", "-"]).Out);
        var terminal = Run(["fmt", "-"], terminal: true).Out;
        Assert.DoesNotContain('\u001b', terminal);
        Assert.Contains("--comment \"\\x1b[2Jhidden\"", terminal);
    }
}
