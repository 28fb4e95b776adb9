using DockerFw.Cli;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests;

/// <summary>
/// `snapshot --check` on a real dockerd, both ways: a dockerd restart with the same containers is no
/// drift, and a moved isolation RETURN is drift, shown as the traffic it lets between networks, which
/// real connections confirm.
/// </summary>
[Collection(DefaultLabCollection.Name)]
public sealed class SnapshotDriftLabTests
{
    private readonly DefaultLab lab;
    private readonly Traffic traffic;

    public SnapshotDriftLabTests(DefaultLab lab)
    {
        this.lab = lab;
        traffic = new Traffic(lab);
        if (LabDaemon.IsRoot) lab.Reset();
    }

    [LabFact]
    public void A_restart_is_no_drift_and_a_moved_isolation_return_is_drift_that_opens_the_networks_to_each_other()
    {
        lab.CreateNetwork("front", "--subnet", "172.31.50.0/24");
        lab.CreateNetwork("back", "--subnet", "172.31.51.0/24");
        traffic.EchoServer("web", ["--network", "front", "--restart", "always"], 80);
        traffic.EchoServer("db", ["--network", "back", "--restart", "always"], 5432);
        var folder = Directory.CreateTempSubdirectory("dfw-lab-snapshot-").FullName;
        var approved = Path.Combine(folder, "host.verified.txt");
        var moved = false;
        try
        {
            var (taken, snapshot, _) = Snapshot();
            File.WriteAllText(approved, snapshot);

            lab.Restart();
            var afterRestart = Eventually(() => Snapshot("--check", approved));
            var isolated = traffic.Connects("web", traffic.Ip("db", "back"), 5432);

            // What a hand edit or a tool does: the RETURN moved to the top of STAGE-2.
            lab.MustInLab("iptables", "-D", "DOCKER-ISOLATION-STAGE-2", "-j", "RETURN");
            lab.MustInLab("iptables", "-I", "DOCKER-ISOLATION-STAGE-2", "1", "-j", "RETURN");
            moved = true;
            var check = Snapshot("--check", approved);
            var open = traffic.Connects("web", traffic.Ip("db", "back"), 5432);

            Assert.Equal(0, taken);
            Assert.True(afterRestart.Exit == 0, afterRestart.Output);
            Assert.False(isolated);
            Assert.True(check.Exit == 1, check.Output);
            Assert.Contains("\n  front -> back: denied, now allowed\n", check.Output, StringComparison.Ordinal);
            Assert.True(open, check.Output);
        }
        finally
        {
            // The lab is shared and its reset does not rebuild Docker's chains: put the RETURN back last.
            if (moved)
            {
                lab.MustInLab("iptables", "-D", "DOCKER-ISOLATION-STAGE-2", "-j", "RETURN");
                lab.MustInLab("iptables", "-A", "DOCKER-ISOLATION-STAGE-2", "-j", "RETURN");
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A restarted daemon re-creates its rules and restarts its containers: wait for the check to settle.</summary>
    private static (int Exit, string Output, string Error) Eventually(Func<(int Exit, string Output, string Error)> check)
    {
        var result = check();
        for (var i = 0; i < 20 && result.Exit != 0; i++)
        {
            Thread.Sleep(500);
            result = check();
        }

        return result;
    }

    private (int Exit, string Output, string Error) Snapshot(params string[] extra)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = DockerFwApp.Run(["snapshot", "--netns", lab.Netns, "--docker-host", lab.DockerHost, .. extra],
            new StandardStreams(new StringReader(""), output, error));
        return (exit, output.ToString(), error.ToString());
    }
}
