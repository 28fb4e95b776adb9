using DockerFw.Cli.Input;
using DockerFw.Cli.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace DockerFw.Cli.Tests;

public sealed class LiveModeTests
{
    // What a Docker host's filter table starts with; loaded into a namespace of the test's own.
    private const string Dump =
        """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER-USER - [0:0]
        -A FORWARD -j DOCKER-USER
        -A DOCKER-USER -s 10.9.0.0/16 -j RETURN
        COMMIT

        """;

    [RootFact]
    public void Fmt_without_a_file_reads_both_families_live_inside_the_namespace()
    {
        using var netns = new TestNamespace();
        netns.Restore(Dump);

        var run = Dockerfw.Run("fmt", "--netns", netns.Name);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("# dockerfw: iptables-save\n", run.Out);
        Assert.Contains("# dockerfw: ip6tables-save\n", run.Out);
        Assert.Contains(":FORWARD DROP", run.Out);
        Assert.Contains("-A FORWARD -j DOCKER-USER\n", run.Out);
        Assert.Contains("-A DOCKER-USER -s 10.9.0.0/16 -j RETURN\n", run.Out);
    }

    [RootFact]
    public void A_namespace_that_does_not_exist_fails_with_exit_2_and_the_stderr_of_ip()
    {
        var run = Dockerfw.Run("fmt", "--netns", $"dfwcli-test-missing-{Environment.ProcessId}");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("dockerfw: error: 'ip netns exec dfwcli-test-missing-", run.Error);
        Assert.Contains("Cannot open network namespace", run.Error);
    }

    [Fact]
    public void A_permission_error_is_explained_as_needing_root()
    {
        var notRoot = new FakeRunner(new CommandOutcome(4, "",
            "iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n"));

        var run = Dockerfw.Run(["fmt"], stdin: "", services => services.AddSingleton<IHostCommandRunner>(notRoot));

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(
            "dockerfw: error: 'iptables-save' failed with exit code 4 (reading the firewall needs root: run dockerfw as root): "
            + "iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n",
            run.Error);
    }

    [Fact]
    public void Live_mode_runs_iptables_save_and_ip6tables_save_inside_the_namespace_with_ip_netns_exec()
    {
        var runner = new FakeRunner(new CommandOutcome(0, "", ""));
        var reader = new LiveFirewallReader(runner);

        var dumps = reader.Read("lab");

        Assert.Equal(["ip netns exec lab iptables-save", "ip netns exec lab ip6tables-save"], runner.Commands);
        Assert.Equal(["iptables-save@lab", "ip6tables-save@lab"], dumps.Select(d => d.Name));
    }

    [Fact]
    public void A_warning_comment_on_stderr_is_kept_first_as_2_and_1_would_put_it()
    {
        var runner = new FakeRunner(new CommandOutcome(0, "*filter\nCOMMIT\n",
            "# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n"));

        var dump = new LiveFirewallReader(runner).Read(null)[0];

        Assert.Equal("# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n*filter\nCOMMIT\n", dump.Text);
        Assert.Equal("iptables-save", dump.Name);
    }

    private sealed class FakeRunner(CommandOutcome outcome) : IHostCommandRunner
    {
        public List<string> Commands { get; } = [];

        public CommandOutcome Run(string program, IReadOnlyList<string> arguments)
        {
            Commands.Add(ProcessCommandRunner.Describe(program, arguments));
            return outcome;
        }
    }
}
