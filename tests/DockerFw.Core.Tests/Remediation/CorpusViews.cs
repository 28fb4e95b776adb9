using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;

namespace DockerFw.Tests.Remediation;

/// <summary>
/// The Docker view a corpus dump is planned against. A dump holds no Docker JSON, and the view
/// inferred from its rules names networks after their bridges (bridge1, docker0) and knows only the
/// containers that publish a port, while the example policies speak of networks <c>frontend</c> and
/// <c>backend</c> and containers <c>web</c>, <c>api</c>, <c>db</c>. Each family of scenarios (the same
/// bridges and subnets, corpus README) gets one fixture in <c>docker inspect</c> form, read by the
/// reader <c>--docker</c> uses, that names its bridges and containers in the policies' terms. What the
/// dump does say wins over the fixture, so one fixture serves every scenario of a family: icc,
/// masquerade, internal and gateway mode of each network, and the ports each container publishes
/// (from the DNAT rules), are taken from the view inferred from that dump. A dump whose bridges no
/// fixture names is planned against the inferred view, as <c>plan</c> without <c>--docker</c> does.
/// </summary>
internal static class CorpusViews
{
    private static readonly string Folder = Path.Combine(Corpus.RepoRoot, "tests", "DockerFw.Core.Tests", "Remediation", "corpus-views");

    private static readonly ImmutableArray<(string Name, DockerView View)> Fixtures = [.. Directory
        .GetFiles(Folder, "*.json")
        .Order(StringComparer.Ordinal)
        .Select(f => (Path.GetFileNameWithoutExtension(f), DockerInspectReader.Read(File.ReadAllText(f), f).Value!))];

    /// <summary>The view for a dump and the name of the fixture that named it (null: the inferred view).</summary>
    public static (DockerView View, string? Fixture) For(Ruleset dump)
    {
        var inferred = DockerViewInference.Infer(dump);
        var bridges = inferred.Networks.Select(n => n.Bridge).ToHashSet();
        foreach (var (name, fixture) in Fixtures)
        {
            if (!bridges.SetEquals(fixture.Networks.Select(n => n.Bridge))) continue;
            return (Named(fixture, inferred), name);
        }

        return (inferred, null);
    }

    private static DockerView Named(DockerView fixture, DockerView inferred) => fixture with
    {
        Networks = [.. fixture.Networks.Select(n => inferred.NetworkByBridge(n.Bridge!) is { } seen
            ? n with
            {
                Internal = seen.Internal,
                EnableIcc = seen.EnableIcc,
                EnableIpMasquerade = seen.EnableIpMasquerade,
                GatewayModeIpv4 = seen.GatewayModeIpv4,
                SnatTo = seen.SnatTo,
            }
            : n)],
        Containers = [.. fixture.Containers.Select(c => c with
        {
            Ports = [.. inferred.Containers
                .Where(published => published.Endpoints.Any(p => p.Ipv4 is { } a && c.Endpoints.Any(e => e.Ipv4 == a)))
                .SelectMany(published => published.Ports)],
        })],
    };
}
