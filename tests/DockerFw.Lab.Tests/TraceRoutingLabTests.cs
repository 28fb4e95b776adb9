using System.Text.Json;
using DockerFw.Cli;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests;

/// <summary>
/// Issue 11 item 9 on a live lab host: `trace` without --in/--out routes a packet as the kernel does.
/// For a forwarded packet between networks, a DNATed one to a published port, one to the host itself
/// and one leaving for the outside, the path and interfaces trace chose are those `ip route get`
/// gives in the lab namespace, and real traffic confirms the verdicts.
/// </summary>
[Collection(DefaultLabCollection.Name)]
public sealed class TraceRoutingLabTests
{
    private readonly DefaultLab lab;
    private readonly Traffic traffic;

    public TraceRoutingLabTests(DefaultLab lab)
    {
        this.lab = lab;
        traffic = new Traffic(lab);
        if (LabDaemon.IsRoot) lab.Reset();
    }

    [LabFact]
    public void Trace_routes_forwarded_dnated_local_and_outbound_packets_as_the_kernel_does()
    {
        lab.CreateNetwork("front", "--subnet", "172.31.52.0/24");
        lab.CreateNetwork("back", "--subnet", "172.31.53.0/24");
        traffic.EchoServer("web", ["--network", "front", "-p", "8080:80"], 80);
        traffic.EchoServer("db", ["--network", "back"], 5432);
        var (web, db) = (traffic.Ip("web", "front"), traffic.Ip("db", "back"));
        var (front, back) = (Bridge("front"), Bridge("back"));

        var between = Trace("--src", web, "--dst", db, "--proto", "tcp", "--sport", "40000", "--dport", "5432");
        var published = Trace("--src", LabDaemon.OutsideAddress, "--dst", LabDaemon.UplinkAddress, "--proto", "tcp", "--sport", "40000", "--dport", "8080");
        var local = Trace("--src", LabDaemon.OutsideAddress, "--dst", LabDaemon.UplinkAddress, "--proto", "tcp", "--sport", "40000", "--dport", "22");
        var outbound = Trace("--src", web, "--dst", LabDaemon.OutsideAddress, "--proto", "tcp", "--sport", "40000", "--dport", LabDaemon.OutsidePort.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(("FORWARD", front, back), Route(between));
        Assert.Equal(back, KernelDevice(db, web, front));
        Assert.Equal("DROP", between.GetProperty("verdict").GetString());
        Assert.False(traffic.Connects("web", db, 5432));

        Assert.Equal(("FORWARD", "uplink0", front), Route(published));
        Assert.Equal(front, KernelDevice(web, LabDaemon.OutsideAddress, "uplink0"));
        Assert.Equal("ACCEPT", published.GetProperty("verdict").GetString());
        Assert.True(traffic.ConnectsFromOutside(LabDaemon.UplinkAddress, 8080));

        Assert.Equal("INPUT", Route(local).Path);
        Assert.Equal("lo", KernelDevice(LabDaemon.UplinkAddress, LabDaemon.OutsideAddress, "uplink0"));

        Assert.Equal(("FORWARD", front, "uplink0"), Route(outbound));
        Assert.Equal("uplink0", KernelDevice(LabDaemon.OutsideAddress, web, front));
        Assert.Equal("ACCEPT", outbound.GetProperty("verdict").GetString());
        Assert.True(traffic.ReachesOutside("web"));
    }

    private string Bridge(string network) => "br-" + lab.MustDocker("network", "inspect", "-f", "{{.Id}}", network)[..12];

    /// <summary>The device `ip route get` picks in the lab namespace (lo: delivered to the host).</summary>
    private string KernelDevice(string destination, string source, string arrivedOn)
    {
        var answer = lab.MustInLab("ip", "-j", "route", "get", destination, "from", source, "iif", arrivedOn);
        return JsonDocument.Parse(answer).RootElement[0].GetProperty("dev").GetString()!;
    }

    private static (string Path, string? In, string? Out) Route(JsonElement trace)
    {
        var route = trace.GetProperty("route");
        return (route.GetProperty("path").GetString()!, Text(route, "in"), Text(route, "out"));
    }

    private static string? Text(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.String ? e.GetProperty(name).GetString() : null;

    private JsonElement Trace(params string[] packet)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = DockerFwApp.Run(["trace", "--netns", lab.Netns, "--docker-host", lab.DockerHost, "--format", "json", .. packet],
            new StandardStreams(new StringReader(""), output, error));
        Assert.True(exit is 0 or 1, $"trace exited {exit}: {error}");
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }
}
