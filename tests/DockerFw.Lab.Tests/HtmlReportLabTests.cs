using DockerFw.Cli;
using DockerFw.Cli.Tests.Browser;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests;

/// <summary>
/// The HTML report of a tampered live host, as a person opens it: chromium renders what
/// <c>audit --format html</c> wrote, the cell of the hole an admin's rule made is marked and leads
/// to its finding, and real traffic goes through exactly where the grid says.
/// </summary>
[Collection(DefaultLabCollection.Name)]
public sealed class HtmlReportLabTests : IClassFixture<Chromium>
{
    private readonly DefaultLab lab;
    private readonly Traffic traffic;
    private readonly Chromium chromium;

    public HtmlReportLabTests(DefaultLab lab, Chromium chromium)
    {
        this.lab = lab;
        this.chromium = chromium;
        traffic = new Traffic(lab);
        if (LabDaemon.IsRoot) lab.Reset();
    }

    [LabFact]
    public async Task A_hole_made_in_DOCKER_USER_is_a_marked_cell_leading_to_its_finding_and_traffic_passes_there_only()
    {
        Assert.True(Chromium.Installed, $"the HTML lab test needs {Chromium.Executable} (apt-get install chromium)");
        lab.CreateNetwork("alpha", "--subnet", "172.31.10.0/24");
        lab.CreateNetwork("beta", "--subnet", "172.31.20.0/24");
        traffic.EchoServer("a1", ["--network", "alpha"], 80);
        traffic.EchoServer("b1", ["--network", "beta"], 80);
        var (a, b) = (lab.BridgeOf("alpha"), lab.BridgeOf("beta"));
        lab.MustInLab("iptables", "-I", "DOCKER-USER", "-i", a, "-o", b, "-j", "ACCEPT");
        lab.MustInLab("iptables", "-I", "DOCKER-USER", "-i", b, "-o", a, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT");
        var folder = Directory.CreateTempSubdirectory("dfw-lab-html-").FullName;
        var report = Path.Combine(folder, "audit.html");

        var exit = DockerFwApp.Run(["audit", "--netns", lab.Netns, "--docker-host", lab.DockerHost, "--containers", "--format", "html", "--output", report],
            new StandardStreams(new StringReader(""), TextWriter.Null, TextWriter.Null));
        var opened = await chromium.OpenAsync(report);
        var page = opened.Page;
        var hole = page.Locator("#matrix td[data-from='alpha'][data-to='beta']");
        var back = page.Locator("#matrix td[data-from='beta'][data-to='alpha']");
        var (holeClass, backClass) = (await hole.GetAttributeAsync("class"), await back.GetAttributeAsync("class"));
        await hole.Locator("a").ClickAsync();
        var finding = page.Locator("#" + new Uri(page.Url).Fragment.TrimStart('#'));
        var (code, text) = (await finding.GetAttributeAsync("data-code"), await finding.InnerTextAsync());
        var probes = Traffic.All(
            () => traffic.Connects("a1", traffic.Ip("b1", "beta"), 80),
            () => traffic.Connects("b1", traffic.Ip("a1", "alpha"), 80));
        Directory.Delete(folder, recursive: true);

        Assert.Equal(1, exit);
        Assert.Empty(opened.Requests);
        Assert.Equal(("allowed", "denied"), (holeClass, backClass));
        Assert.Equal(0, await back.Locator("a").CountAsync());
        Assert.Equal("DFW201", code);
        Assert.Contains("containers of alpha can open any connection to containers of beta", text, StringComparison.Ordinal);
        Assert.Equal([true, false], probes);
    }
}
