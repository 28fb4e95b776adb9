using System.Text.Json;
using DockerFw.Cli.Input;
using DockerFw.Cli.Live;
using DockerFw.Cli.Tests.Support;
using DockerFw.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DockerFw.Cli.Tests.Live;

/// <summary>
/// Live mode finds both iptables back ends whichever one the host's <c>iptables-save</c> is, in a
/// namespace holding tables in both: Docker's rules in iptables-nft (a real dockerd 20.10 capture)
/// and an admin's legacy FORWARD DROP. The kernel runs both for every packet (DFW605).
/// </summary>
public sealed class BackendDetectionTests
{
    private const string LegacyForwardDrop = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";

    [RootFact]
    public void On_a_host_whose_iptables_is_nft_the_legacy_back_end_is_read_too() =>
        AssertBothBackEndsRead(configure: null, otherTool: "iptables-legacy-save");

    [RootFact]
    public void On_a_host_whose_iptables_is_legacy_the_nft_back_end_is_read_too() =>
        AssertBothBackEndsRead(services => services.AddSingleton<IHostCommandRunner>(new LegacyByDefault(new ProcessCommandRunner())), "iptables-nft-save");

    [RootFact]
    public void On_a_host_whose_iptables_is_legacy_an_nft_back_end_without_tables_is_left_alone()
    {
        using var netns = new TestNamespace();
        netns.Restore(File.ReadAllText(Corpus.PathOf("docker", "docker20.10-default.iptables-save")), "iptables-legacy-restore");

        var json = Audit(netns, services => services.AddSingleton<IHostCommandRunner>(new LegacyByDefault(new ProcessCommandRunner())));

        Assert.DoesNotContain(Codes(json), c => c == "DFW605");
        Assert.DoesNotContain(Notices(json), n => n.StartsWith("both iptables back ends hold tables", StringComparison.Ordinal));
    }

    private static void AssertBothBackEndsRead(Action<IServiceCollection>? configure, string otherTool)
    {
        using var netns = new TestNamespace();
        netns.Restore(File.ReadAllText(Corpus.PathOf("docker", "docker20.10-default.iptables-save")), "iptables-nft-restore");
        netns.Restore(LegacyForwardDrop, "iptables-legacy-restore");

        var json = Audit(netns, configure);

        Assert.Contains($"both iptables back ends hold tables: read {otherTool}@{netns.Name} too", Notices(json));
        Assert.Contains("DFW605", Codes(json));
    }

    private static JsonElement Audit(TestNamespace netns, Action<IServiceCollection>? configure)
    {
        // No Engine: the view is inferred from the rules, which is all these tests need.
        var run = Dockerfw.Run(["audit", "--netns", netns.Name, "--format", "json"], "",
            services => { services.AddSingleton(new DockerEnvironment("unix:///nonexistent/dockerfw-test.sock")); configure?.Invoke(services); });
        Assert.True(run.ExitCode is 0 or 1, run.ToString());
        return JsonDocument.Parse(run.Out).RootElement.Clone();
    }

    private static List<string> Codes(JsonElement report) => [.. report.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()!)];

    private static List<string> Notices(JsonElement report) => [.. report.GetProperty("notices").EnumerateArray().Select(n => n.GetString()!)];

    /// <summary>The tools as on a host whose alternatives point iptables-save at the legacy back end.</summary>
    private sealed class LegacyByDefault(IHostCommandRunner real) : IHostCommandRunner
    {
        public CommandOutcome Run(string program, IReadOnlyList<string> arguments) =>
            real.Run(Legacy(program), [.. arguments.Select(Legacy)]);

        public bool IsInstalled(string program) => real.IsInstalled(Legacy(program));

        private static string Legacy(string tool) => tool switch
        {
            "iptables-save" => "iptables-legacy-save",
            "ip6tables-save" => "ip6tables-legacy-save",
            _ => tool,
        };
    }
}
