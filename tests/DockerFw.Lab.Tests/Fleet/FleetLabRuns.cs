using System.Globalization;
using System.Text.Json;

namespace DockerFw.Lab.Tests.Fleet;

/// <summary>A fleet run on the lab's two hosts: the exit code, the full JSON report and the text one.</summary>
public sealed record FleetRun(int Exit, JsonElement Report, string Text, string Error)
{
    public List<JsonElement> Cells(string matrix) => [.. Report.GetProperty(matrix).EnumerateArray()];

    public JsonElement Cell(string matrix, string fromHost) => Cells(matrix).Single(c => c.GetProperty("from_host").GetString() == fromHost);

    public List<string> Outcomes(string matrix) => [.. Cells(matrix).Select(c => c.GetProperty("outcome").GetString()!)];

    public List<string> Codes() =>
        [.. Report.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()!).Order(StringComparer.Ordinal)];

    public List<string> Messages(string code) =>
        [.. Report.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("code").GetString() == code).Select(f => f.GetProperty("message").GetString()!)];
}

/// <summary>
/// What the fleet lab's tests share: both hosts captured with `dockerfw capture --netns` and judged by
/// `dockerfw fleet`, and the lab's own counters (a counting rule of the mangle table, added after the
/// capture and removed after the traffic) that say which packets really crossed.
/// </summary>
public static class FleetLabRuns
{
    /// <summary>Captures both hosts into a fresh directory of bundles under <paramref name="folder"/> and runs fleet on it, as full JSON and as text.</summary>
    public static FleetRun Fleet(FleetLab lab, string folder)
    {
        var bundles = Path.Combine(folder, Guid.NewGuid().ToString("N"));
        foreach (var (name, host) in new[] { ("a", lab.A), ("b", lab.B) })
        {
            var capture = Run("capture", "--netns", host.Netns, "--docker-host", host.DockerHost, Path.Combine(bundles, name));
            Assert.True(capture.Exit == 0, capture.Error);
        }

        // Every cell listed: each is checked against traffic.
        var json = Run("fleet", "--format", "json", "--full", bundles);
        Assert.True(json.Exit is 0 or 1, json.Error + json.Out);
        var text = Run("fleet", bundles);
        Assert.Equal(json.Exit, text.Exit);
        return new FleetRun(json.Exit, JsonDocument.Parse(json.Out).RootElement.Clone(), text.Out, json.Error);
    }

    /// <summary>
    /// The packets a host's mangle <paramref name="chain"/> sees match <paramref name="match"/> while
    /// <paramref name="traffic"/> runs: mangle comes before filter in PREROUTING (what arrived) and
    /// after it in POSTROUTING (what the host let through).
    /// </summary>
    public static int Count(FleetHostDaemon host, string chain, string[] match, Action traffic)
    {
        var comment = $"fleet-count-{Guid.NewGuid():N}"[..28];
        string[] rule = [.. match, "-m", "comment", "--comment", comment];
        host.MustInLab(["iptables", "-t", "mangle", "-A", chain, .. rule]);
        try
        {
            traffic();
            var listing = host.MustInLab("iptables", "-t", "mangle", "-L", chain, "-v", "-x", "-n");
            return int.Parse(listing.Split('\n').Single(l => l.Contains(comment, StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
        }
        finally
        {
            host.MustInLab(["iptables", "-t", "mangle", "-D", chain, .. rule]);
        }
    }

    /// <summary>
    /// Every container cell against one real echo request from its sender: fleet judges new
    /// connections, so a reachable cell's requests must reach the receiver's docker0 (counted in its
    /// mangle POSTROUTING, past its FORWARD) and a blocked cell's must not; and where both directions
    /// are reachable, the ping must be answered.
    /// </summary>
    public static void CheckAgainstTraffic(FleetLab lab, FleetRun fleet)
    {
        foreach (var cell in fleet.Cells("containers"))
        {
            var fromA = cell.GetProperty("from_host").GetString() == "a";
            var (sender, receiver, container, address) = fromA ? (lab.A, lab.B, "web", lab.DbAddress) : (lab.B, lab.A, "db", lab.WebAddress);
            var outcome = cell.GetProperty("outcome").GetString();
            Assert.True(outcome is "reachable" or "blocked", $"{cell}\n{fleet.Text}");
            // Reachable means a connection: the echo is answered, not only delivered (the replies cross both hosts too).
            var answered = false;
            var delivered = Count(receiver, "POSTROUTING", ["-o", "docker0", "-d", address, "-p", "icmp", "--icmp-type", "echo-request"],
                () => answered = FleetLab.Ping(sender, container, address));
            Assert.True(answered == (outcome == "reachable"),
                $"fleet says {cell.GetProperty("from").GetString()} -> {cell.GetProperty("to").GetString()} is {outcome}, but the echo was {(answered ? "" : "not ")}answered ({delivered} echo requests reached {address})\n{fleet.Text}");
        }

        if (fleet.Outcomes("containers").All(o => o == "reachable"))
            Assert.True(FleetLab.Ping(lab.A, "web", lab.DbAddress) && FleetLab.Ping(lab.B, "db", lab.WebAddress), fleet.Text);
    }

    public static (int Exit, string Out, string Error) Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = DockerFw.Cli.DockerFwApp.Run(args, new DockerFw.Cli.StandardStreams(new StringReader(""), output, error));
        return (exit, output.ToString(), error.ToString());
    }
}
