using DockerFw.Cli.Output;
using DockerFw.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DockerFw.Cli.Tests.Audit;

/// <summary>Text output is coloured only on a terminal, and never when NO_COLOR is set.</summary>
public sealed class AuditTextTests
{
    private const string Escape = "\u001b[";

    [Fact]
    public void Text_on_a_terminal_is_coloured()
    {
        var output = OnTerminal(noColor: false);

        Assert.Contains(Escape, output);
    }

    [Fact]
    public void No_color_turns_colour_off_on_a_terminal()
    {
        var output = OnTerminal(noColor: true);

        Assert.DoesNotContain(Escape, output);
        Assert.Contains("Findings", output);
    }

    [Fact]
    public void The_container_table_appears_only_with_the_containers_option()
    {
        var plain = LabHost.Audit();
        var asked = LabHost.Audit("--containers");

        Assert.DoesNotContain("\nContainers", plain.Out);
        Assert.Contains("\nContainers", asked.Out);
        Assert.Contains("web (frontend 172.30.1.2)", asked.Out);
    }

    [Fact]
    public void Text_to_a_pipe_or_a_file_has_no_escape_sequences()
    {
        var run = LabHost.Audit();

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain(Escape, run.Out);
    }

    [Fact]
    public void A_setting_whose_rules_contradict_its_declaration_is_marked_as_drift()
    {
        var dump = File.ReadAllText(LabHost.PathOf("iptables-save")).Replace(
            "-A FORWARD -j DOCKER-USER\n", "-A FORWARD -i br-9c93ba76092b -o br-9c93ba76092b -j ACCEPT\n-A FORWARD -j DOCKER-USER\n");

        var run = LabHost.Run(["audit", "--iptables", "-", "--docker", LabHost.PathOf("docker-networks.json")], stdin: dump);

        Assert.True(run.ExitCode == 1, run.ToString());
        var backend = Assert.Single(run.Out.Split('\n'), l => l.StartsWith("│ backend ", StringComparison.Ordinal) && l.Contains("br-9c93ba76092b", StringComparison.Ordinal));
        Assert.Contains("off / on  DRIFT", backend);
        Assert.Contains("HIGH (1)", run.Out);
        Assert.Contains("  DFW301 icc: ", run.Out);
    }

    private static string OnTerminal(bool noColor)
    {
        var output = new StringWriter { NewLine = "\n" };
        var streams = new StandardStreams(new StringReader(""), output, new StringWriter()) { TerminalWidth = 160 };
        var exit = DockerFwApp.Run(["audit", .. LabHost.Inputs], streams,
            services => services.AddSingleton(new OutputEnvironment(Corpus.RepoRoot, noColor)));
        Assert.Equal(0, exit);
        return output.ToString();
    }
}
