using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Fleet;
using DockerFw.Core.Host;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Fleet;

/// <summary>
/// A host of a fleet scenario of tests/DockerFw.Core.Tests/Fleet/Fixtures (SCENARIO/HOST: iptables-save.txt,
/// docker.json, ip-route-v4.json, ip-link.json), its dump given with a rule added before a table's COMMIT
/// or wherever the test puts it, as fleet reads a bundle: its addresses from its routes' table local.
/// </summary>
internal static class FleetFixtureHost
{
    public static string Root(string scenario) => Path.Combine(Corpus.RepoRoot, "tests", "DockerFw.Core.Tests", "Fleet", "Fixtures", scenario);

    /// <summary>The host's iptables-save.txt as the fixture has it.</summary>
    public static string Dump(string scenario, string host) => File.ReadAllText(Path.Combine(Root(scenario), host, "iptables-save.txt"));

    /// <summary>The dump with <paramref name="rule"/> (if any) added at the end of the filter table.</summary>
    public static string WithFilterRule(string dump, string rule)
    {
        if (rule.Length == 0) return dump;
        var filter = dump.IndexOf("*filter\n", StringComparison.Ordinal);
        return dump.Insert(dump.IndexOf("COMMIT\n", filter, StringComparison.Ordinal), rule + "\n");
    }

    public static FleetHost Read(string scenario, string name, string dump)
    {
        string Text(string file) => File.ReadAllText(Path.Combine(Root(scenario), name, file));
        var rules = IptablesSaveReader.Read(dump, $"{name}/iptables-save.txt");
        Assert.True(rules.Succeeded, string.Join("\n", rules.Diagnostics));
        var docker = DockerInspectReader.Read(Text("docker.json"), $"{name}/docker.json");
        var routes = RouteListReader.Read(Text("ip-route-v4.json"), $"{name}/ip-route-v4.json");
        var (links, problem) = LinkListReader.Read(Text("ip-link.json"));
        Assert.Null(problem);
        var host = new LoadedHost([rules.Value!], null, docker.Value!, DockerViewOrigin.Engine, HostSettings.Unknown.With("net.ipv4.ip_forward", "1"), [], [])
        {
            Addresses = routes.Value!.LocalAddresses(),
            Routes = routes.Value!,
        };
        return new FleetHost(name, host, links);
    }
}
