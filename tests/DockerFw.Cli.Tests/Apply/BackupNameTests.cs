using DockerFw.Cli.Apply;
using DockerFw.Cli.Input;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Cli.Tests.Apply;

/// <summary>
/// Backups are what a rollback restores: two applies must never share one, however close together
/// they run. A host stand-in answers iptables-save and iptables-restore; the clock is held still.
/// </summary>
public sealed class BackupNameTests : IDisposable
{
    // The rules the stand-in host holds, before and after: the plan's read-back must equal them.
    private const string Rules = "*filter\n:FORWARD DROP [0:0]\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -j RETURN\nCOMMIT\n";

    private static readonly DateTimeOffset Instant = new DateTimeOffset(2026, 11, 22, 5, 30, 12, TimeSpan.Zero).AddTicks(1234560);

    private readonly string backups = Directory.CreateTempSubdirectory("dfw-backup-names-").FullName;

    public void Dispose() => Directory.Delete(backups, recursive: true);

    [Fact]
    public void A_backup_is_named_after_the_moment_to_the_microsecond()
    {
        var log = Apply();

        Assert.Contains($"backup of the current rules: {Path.Combine(backups, "iptables-20261122T053012.123456Z.save")}", log, StringComparison.Ordinal);
        Assert.Equal(["iptables-20261122T053012.123456Z.save", "plan-20261122T053012.123456Z.restore"], Files());
    }

    [Fact]
    public void Two_applies_at_the_same_instant_keep_two_backups_and_each_rolls_back_to_its_own()
    {
        var first = Apply();
        var second = Apply();

        Assert.Equal(
            ["iptables-20261122T053012.123456Z-1.save", "iptables-20261122T053012.123456Z.save",
             "plan-20261122T053012.123456Z-1.restore", "plan-20261122T053012.123456Z.restore"],
            Files());
        Assert.Contains("iptables-20261122T053012.123456Z.save", first, StringComparison.Ordinal);
        Assert.Contains("iptables-20261122T053012.123456Z-1.save", second, StringComparison.Ordinal);
        Assert.All(Directory.GetFiles(backups, "iptables-*.save"), f => Assert.Equal(Rules, File.ReadAllText(f)));
    }

    private string Apply()
    {
        var rules = IptablesSaveReader.Read(Rules, "host", IpFamily.V4).Value!;
        var plan = new PolicyPlan(rules, rules, [], AddsJump: false, RestoreInput: "*filter\nCOMMIT\n", Diff: "(stand-in)");
        var log = new StringWriter { NewLine = "\n" };

        var applied = new PolicyApplier(new StandInHost(), log, new StillClock()).Apply(plan, netns: null, backups, confirm: () => null);

        Assert.True(applied, log.ToString());
        return log.ToString();
    }

    private string[] Files() => [.. Directory.GetFiles(backups).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    private sealed class StillClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Instant;
    }

    private sealed class StandInHost : IHostCommandRunner
    {
        public CommandOutcome Run(string program, IReadOnlyList<string> arguments) => program switch
        {
            "iptables-save" => new CommandOutcome(0, Rules, ""),
            "iptables-restore" => new CommandOutcome(0, "", ""),
            _ => throw new InvalidOperationException($"unexpected {program}"),
        };
    }
}
