using System.Text.Json;
using DockerFw.Cli.Tests.Support;
using DockerFw.Core.Audit;
using DockerFw.Core.Host;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests.ViewDoubts;

/// <summary>
/// plan, apply (through the same planning), reach by name and trace (by name, or routed by the view's
/// bridges) answer from Docker's view; when the rules suggested it, they say so and say the inference's
/// doubts, as the audit does among its notices.
/// </summary>
public sealed class ViewDoubtsTests : IDisposable
{
    private static readonly string LabHost = Path.Combine(Corpus.RepoRoot, "samples", "lab-host");

    // A WireGuard server's forwarding and masquerade of its clients: two of the shapes Docker writes
    // for a bridge, where Docker writes at least three, so the inference reads wg0 as outside, with a doubt.
    private const string WireGuardDoubt = "wg0 is read as outside Docker's networks: only 2 rules of the shapes Docker writes for a bridge name it "
        + "('-A FORWARD -i wg0 ! -o wg0 -j ACCEPT', '-t nat -A POSTROUTING -s 10.8.0.0/24 ! -o wg0 -j MASQUERADE'), and Docker writes at least 3 for each; "
        + "give Docker's view (--docker) if it is a bridge whose other rules are gone";

    private readonly string folder = Directory.CreateTempSubdirectory("dfw-view-doubts-").FullName;

    private readonly string dump;

    public ViewDoubtsTests()
    {
        dump = Path.Combine(folder, "iptables-save");
        File.WriteAllText(dump, File.ReadAllText(Path.Combine(LabHost, "iptables-save"))
            .Replace("-A FORWARD -j DOCKER-USER\n", "-A FORWARD -j DOCKER-USER\n-A FORWARD -i wg0 ! -o wg0 -j ACCEPT\n", StringComparison.Ordinal)
            .Replace("-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE\n",
                "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE\n-A POSTROUTING -s 10.8.0.0/24 ! -o wg0 -j MASQUERADE\n", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string[] Containers => ["--iptables", dump, "--docker", Path.Combine(LabHost, "docker-containers.json")];

    [Fact]
    public void A_plan_over_networks_the_rules_suggest_says_the_inferences_doubts_after_the_hosts_notes()
    {
        // No docker-proxy listens (userland-proxy off): the proof is about Docker's DNAT way alone.
        var proxies = Path.Combine(folder, "ss.txt");
        File.WriteAllText(proxies, "");
        string[] plan = ["plan", "--policy", Path.Combine(Corpus.RepoRoot, "rules", "published-locally.policy"), "--proxies", proxies];

        var inferred = Dockerfw.Run([.. plan, .. Containers]);
        var given = Dockerfw.Run([.. plan, .. Containers, "--docker", Path.Combine(LabHost, "docker-networks.json")]);

        Assert.True(inferred.ExitCode == 0, inferred.ToString());
        Assert.Equal($"dockerfw: note: {DockerViewCompletion.NetworksInferredNotice}\ndockerfw: note: {WireGuardDoubt}\n", inferred.Error);
        // Docker's own view of the same rules: nothing inferred, nothing to doubt.
        Assert.True(given.ExitCode == 0, given.ToString());
        Assert.Equal("", given.Error);
        Assert.Equal(given.Out, inferred.Out);
    }

    [Fact]
    public void Reach_to_a_container_named_through_inferred_networks_ends_with_the_doubts_in_text_and_json()
    {
        string[] reach = ["reach", .. Containers, "--dst", "web", "--proto", "tcp"];

        var text = Dockerfw.Run(reach);
        var json = Dockerfw.Run([.. reach, "--format", "json"]);

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.EndsWith($"\nNOTICES\n  - {WireGuardDoubt}\n", text.Out, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal([WireGuardDoubt], Notices(json));
        // The host's own note stays where every command says it.
        Assert.Equal($"dockerfw: note: {DockerViewCompletion.NetworksInferredNotice}\n", json.Error);
    }

    [Fact]
    public void Reach_to_a_network_of_a_view_inferred_whole_says_so_and_reach_to_addresses_has_nothing_to_doubt()
    {
        string[] reach = ["reach", "--iptables", dump, "--proto", "tcp", "--format", "json"];

        // Without Docker's JSON the networks are the bridges: br-e727bbbf1ba4 is frontend's subnet as the rules show it.
        var byName = Dockerfw.Run([.. reach, "--dst", "br-e727bbbf1ba4"]);
        var byAddress = Dockerfw.Run([.. reach, "--dst", "172.30.1.0/24"]);

        Assert.True(byName.ExitCode == 0, byName.ToString());
        Assert.Equal([Auditor.ViewInferredNotice, WireGuardDoubt], Notices(byName));
        Assert.True(byAddress.ExitCode == 0, byAddress.ToString());
        Assert.Empty(Notices(byAddress));
        Assert.DoesNotContain("NOTICES", Dockerfw.Run([.. reach[..^2], "--dst", "172.30.1.0/24"]).Out, StringComparison.Ordinal);
        // The same packets either way: only the words about where the addresses came from differ.
        Assert.Equal(Regions(byAddress), Regions(byName));
    }

    [Fact]
    public void Trace_to_a_container_named_through_inferred_networks_ends_with_the_doubts_in_text_and_json()
    {
        string[] trace = ["trace", .. Containers, "--src", "203.0.113.50", "--dst", "web", "--proto", "tcp", "--dport", "80"];

        var text = Dockerfw.Run(trace);
        var json = Dockerfw.Run([.. trace, "--format", "json"]);

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.EndsWith($"\nNOTICES\n  - {WireGuardDoubt}\n", text.Out, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal([WireGuardDoubt], Notices(json));
        // The host's own note stays where every command says it, before routing's.
        Assert.StartsWith($"dockerfw: note: {DockerViewCompletion.NetworksInferredNotice}\n", json.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(WireGuardDoubt, json.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Trace_of_addresses_routed_by_a_view_inferred_whole_says_so_and_with_its_interfaces_given_has_nothing_to_doubt()
    {
        string[] trace = ["trace", "--iptables", dump, "--src", "203.0.113.50", "--dst", "172.30.1.2", "--proto", "tcp", "--dport", "80", "--format", "json"];

        // Routed offline: the only routes are the subnets of Docker's bridges, here as the rules suggest them.
        var routed = Dockerfw.Run(trace);
        var placed = Dockerfw.Run([.. trace, "--in", "eth0", "--out", "br-e727bbbf1ba4"]);

        Assert.True(routed.ExitCode == 0, routed.ToString());
        Assert.Equal("br-e727bbbf1ba4", JsonDocument.Parse(routed.Out).RootElement.GetProperty("route").GetProperty("out").GetString());
        Assert.Equal([Auditor.ViewInferredNotice, WireGuardDoubt], Notices(routed));
        Assert.True(placed.ExitCode == 0, placed.ToString());
        Assert.Empty(Notices(placed));
        Assert.DoesNotContain("NOTICES", Dockerfw.Run([.. trace[..^2], "--in", "eth0", "--out", "br-e727bbbf1ba4"]).Out, StringComparison.Ordinal);
    }

    private static List<string?> Notices(CliRun run) =>
        [.. JsonDocument.Parse(run.Out).RootElement.GetProperty("notices").EnumerateArray().Select(n => n.GetString())];

    private static string Regions(CliRun run) => JsonDocument.Parse(run.Out).RootElement.GetProperty("regions").GetRawText();
}
