using DockerFw.Cli.Enforce;
using DockerFw.Cli.Tests.Support;

namespace DockerFw.Cli.Tests.Enforce;

/// <summary>The parts of `dockerfw enforce` that need no daemon: events read, log lines, kept backups, refusals at start.</summary>
public sealed class EnforcePiecesTests
{
    [Theory]
    [InlineData("""{"Type":"container","Action":"start","Actor":{"ID":"ab","Attributes":{"name":"web","image":"x"}}}""", "container start web")]
    [InlineData("""{"Type":"network","Action":"connect","Actor":{"ID":"cd","Attributes":{"container":"ab","name":"shop"}}}""", "network connect shop")]
    [InlineData("""{"Type":"daemon","Action":"reload","Actor":{"ID":"x","Attributes":{}}}""", "daemon reload")]
    [InlineData("""{"Type":"container","Action":"exec_start: sh -c true","Actor":{"Attributes":{"name":"web"}}}""", null)]
    [InlineData("""{"Type":"container","Action":"health_status: healthy","Actor":{"Attributes":{"name":"web"}}}""", null)]
    [InlineData("""[1,2]""", null)]
    public void Only_events_that_can_move_an_address_or_a_rule_wake_the_enforcer(string line, string? expected) =>
        Assert.Equal(expected, EngineEvents.Describe(line));

    [Fact]
    public void A_log_line_is_one_logfmt_line_with_a_journald_priority_under_systemd()
    {
        var output = new StringWriter { NewLine = "\n" };
        new EnforceLog(output, journal: true).Error("cannot \"plan\"", ("detail", "line one\nline two\u001b[2J"));

        Assert.Equal("<3>level=error msg=\"cannot \\\"plan\\\"\" detail=\"line one\\nline two\\u001b[2J\"\n", output.ToString());
    }

    [Fact]
    public void Only_the_newest_applies_backups_are_kept()
    {
        var folder = Directory.CreateTempSubdirectory("dfw-enforce-").FullName;
        try
        {
            for (var i = 0; i < EnforceBackups.Kept + 3; i++)
            {
                var stamp = $"20261204T1200{i:00}.000000Z";
                foreach (var name in new[] { $"iptables-{stamp}.save", $"plan-{stamp}.restore", $"undo-{stamp}-1.restore" })
                    File.WriteAllText(Path.Combine(folder, name), "");
            }

            File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");

            EnforceBackups.Prune(folder);

            var left = Directory.GetFiles(folder).Select(Path.GetFileName).ToList();
            Assert.Equal(EnforceBackups.Kept * 3 + 1, left.Count);
            Assert.DoesNotContain("iptables-20261204T120002.000000Z.save", left);
            Assert.Contains("iptables-20261204T120003.000000Z.save", left);
            Assert.Contains("notes.txt", left);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_policy_that_does_not_read_is_exit_2_at_start()
    {
        var folder = Directory.CreateTempSubdirectory("dfw-enforce-").FullName;
        var policy = Path.Combine(folder, "bad.policy");
        File.WriteAllText(policy, "network shop {\n  icc sideways;\n}\n");

        var run = Dockerfw.Run(["enforce", "--policy", policy, "--docker-host", "unix:///nonexistent.sock"]);
        Directory.Delete(folder, recursive: true);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("bad.policy:2:", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zero_interval_is_a_usage_error() =>
        Assert.Equal(3, Dockerfw.Run(["enforce", "--policy", "x.policy", "--interval", "0"]).ExitCode);
}
