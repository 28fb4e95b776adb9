using System.Collections.Immutable;
using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Fleet;
using DockerFw.Core.Host;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>
/// Hosts of a fleet read from fixture directories (Fixtures/SCENARIO/HOST): the files a capture
/// bundle holds and fleet reads (iptables-save.txt, ip-route-v4.json, ip-link.json) and Docker's view
/// (docker.json, as docker inspect prints it), and the kernel settings a test gives (<see cref="Sysctl"/>).
/// A test may edit a file's text on the way in to tamper with one host; the host's addresses are those its routes' table local lists, as live mode reads them.
/// </summary>
internal static class FleetFixture
{
    private static string Root => Path.Combine(Corpus.RepoRoot, "tests", "DockerFw.Core.Tests", "Fleet", "Fixtures");

    /// <summary>Edits one file of one host: (host, file) to a function of its text.</summary>
    public sealed record Tamper(string Host, string File, Func<string, string> Edit);

    public static FleetHost Host(string scenario, string name, params Tamper[] tampers)
    {
        // A file the fixture lacks (sysctls.txt) starts empty.
        string Text(string file) => tampers.Where(t => t.Host == name && t.File == file)
            .Aggregate(System.IO.File.Exists(Path.Combine(Root, scenario, name, file)) ? System.IO.File.ReadAllText(Path.Combine(Root, scenario, name, file)) : "", (text, t) => t.Edit(text));
        var rules = IptablesSaveReader.Read(Text("iptables-save.txt"), $"{name}/iptables-save.txt");
        Assert.True(rules.Succeeded, string.Join("\n", rules.Diagnostics));
        var docker = DockerInspectReader.Read(Text("docker.json"), $"{name}/docker.json");
        Assert.True(docker.Succeeded, string.Join("\n", docker.Diagnostics));
        var routes = RouteListReader.Read(Text("ip-route-v4.json"), $"{name}/ip-route-v4.json");
        Assert.True(routes.Succeeded, string.Join("\n", routes.Diagnostics));
        var (links, problem) = LinkListReader.Read(Text("ip-link.json"));
        Assert.Null(problem);
        var settings = Text("sysctls.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).Where(kv => kv.Length == 2)
            .Aggregate(HostSettings.Unknown.With("net.ipv4.ip_forward", "1"), (s, kv) => s.With(kv[0].Trim(), kv[1]));
        // The other iptables back end's dump, where a test gives one: the kernel runs both.
        var legacy = Text("iptables-legacy-save.txt") is { Length: > 0 } other ? IptablesSaveReader.Read(other, $"{name}/iptables-legacy-save.txt").Value : null;
        var host = new LoadedHost([rules.Value!], null, docker.Value!, DockerViewOrigin.Engine, settings, [], [])
        {
            OtherBackends = legacy is null ? [] : [legacy],
            Addresses = routes.Value!.LocalAddresses(),
            Routes = routes.Value!,
        };
        return new FleetHost(name, host, links) { Pools = NetworkPools.Read(Text("docker.json")) };
    }

    public static FleetReport Run(string scenario, params Tamper[] tampers) =>
        FleetAuditor.Run([.. new[] { "a", "b" }.Select(n => (Func<FleetHost>)(() => Host(scenario, n, tampers)))]);

    /// <summary>The one network cell from one host's default bridge to the other's.</summary>
    public static FleetCell Cell(FleetReport report, string from) => report.Networks.Single(c => c.Spec.Sender.Name == from);

    public static string[] Codes(FleetReport report) => [.. report.Findings.Select(f => f.Code.Code).Order(StringComparer.Ordinal)];

    /// <summary>A rule line of a dump taken out (the line must be there).</summary>
    public static Tamper Without(string host, string line) => new(host, "iptables-save.txt", text =>
    {
        Assert.Contains(line + "\n", text, StringComparison.Ordinal);
        return text.Replace(line + "\n", "", StringComparison.Ordinal);
    });

    /// <summary>A rule line added to a dump just before a table's COMMIT.</summary>
    public static Tamper With(string host, string table, string line) => new(host, "iptables-save.txt", text =>
    {
        var start = text.IndexOf($"*{table}\n", StringComparison.Ordinal);
        var commit = text.IndexOf("COMMIT\n", start, StringComparison.Ordinal);
        return text.Insert(commit, line + "\n");
    });

    /// <summary>A kernel setting of one host, as its bundle's sysctls.txt records it (the fixtures record none: every setting but ip_forward unknown).</summary>
    public static Tamper Sysctl(string host, string key, string value) => new(host, "sysctls.txt", text => text + $"{key}={value}\n");

    public static Tamper Replace(string host, string file, string from, string to) => new(host, file, text =>
    {
        Assert.Contains(from, text, StringComparison.Ordinal);
        return text.Replace(from, to, StringComparison.Ordinal);
    });

    public static ImmutableArray<string> Lines(FleetCell cell) =>
        [.. cell.Parts.Select(p => $"{p.Outcome}: {p.PacketsText}: {string.Join(" | ", p.Decisions.Select(d => $"{d.Host} {d.Stage}: {d.Rule}"))}{(p.Nat is null ? "" : " nat " + p.Nat)}{(p.Reason is null ? "" : " because " + p.Reason)}")];
}
