using DockerFw.Cli.Tests.Audit;
using DockerFw.Tests;
using Microsoft.Playwright;

namespace DockerFw.Cli.Tests.Browser;

/// <summary>
/// <c>audit --format html</c> as a person sees it: rendered by chromium from disk, with no network,
/// the hole's cell marked and leading to its finding, the container matrix filterable, readable
/// without colours. The screenshots in docs/images are the reviewed look (refreshed with
/// DOCKERFW_UPDATE_SNAPSHOTS=1).
/// </summary>
public sealed class AuditHtmlBrowserTests : IClassFixture<Chromium>, IDisposable
{
    private readonly Chromium chromium;
    private readonly string folder = Directory.CreateTempSubdirectory("dfw-html-").FullName;

    public AuditHtmlBrowserTests(Chromium chromium) => this.chromium = chromium;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [ChromiumFact]
    public async Task The_cell_of_a_hole_is_marked_and_leads_to_the_finding_that_reports_it()
    {
        var opened = await OpenAsync("open", OpenHost());
        var page = opened.Page;

        var cell = page.Locator("#matrix td[data-from='bridge1'][data-to='bridge2']");
        Assert.Equal("allowed", await cell.GetAttributeAsync("class"));
        Assert.Equal("allowed", (await cell.InnerTextAsync()).Trim());
        await cell.Locator("a").ClickAsync();

        var target = new Uri(page.Url).Fragment.TrimStart('#');
        var finding = page.Locator($"#{target}");
        Assert.Equal("DFW201", await finding.GetAttributeAsync("data-code"));
        Assert.True(await finding.IsVisibleAsync());
        Assert.Contains("containers of bridge1 can open any connection to containers of bridge2", await finding.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(opened.Requests);
    }

    [ChromiumFact]
    public async Task Denied_cells_do_not_link_and_every_cell_says_its_verdict_in_words()
    {
        var page = (await OpenAsync("sample", LabHost.Audit("--format", "html").Out)).Page;

        var cells = await page.Locator("#matrix tbody td").AllAsync();
        Assert.NotEmpty(cells);
        foreach (var cell in cells)
        {
            var css = await cell.GetAttributeAsync("class");
            var text = (await cell.InnerTextAsync()).Trim();
            Assert.False(string.IsNullOrEmpty(text), "a cell must not say its verdict by colour only");
            if (css == "denied") Assert.Equal(0, await cell.Locator("a").CountAsync());
        }

        Assert.Equal(1, await page.Locator("h1").CountAsync());
        Assert.True(await page.Locator("h2").CountAsync() >= 4);
        Assert.Equal(await page.Locator("#matrix thead th").CountAsync(), await page.Locator("#matrix thead th[scope='col']").CountAsync());
    }

    [ChromiumFact]
    public async Task The_container_filter_keeps_only_the_pairs_that_mention_what_is_typed()
    {
        var page = (await OpenAsync("containers", LabHost.Audit("--containers", "--format", "html").Out)).Page;
        var rows = page.Locator("tr.container-pair");
        var all = await rows.CountAsync();

        await page.FillAsync("#container-filter", "web allowed");

        var visible = page.Locator("tr.container-pair:not(.hidden)");
        var shown = await visible.CountAsync();
        Assert.InRange(shown, 1, all - 1);
        foreach (var row in await visible.AllAsync())
        {
            var search = await row.GetAttributeAsync("data-search");
            Assert.Contains("web", search, StringComparison.Ordinal);
            Assert.Contains("allowed", search, StringComparison.Ordinal);
            Assert.True(await row.IsVisibleAsync());
        }

        await page.FillAsync("#container-filter", "");
        Assert.Equal(all, await visible.CountAsync());
    }

    [ChromiumFact]
    public async Task Names_from_the_inputs_stay_text_and_run_nothing()
    {
        const string json = """[{"Name": "a<img src=x onerror=alert(1)><script>alert(2)</script>", "Id": "n1", "Driver": "bridge", "Options": {"com.docker.network.bridge.name": "docker0"}, "IPAM": {"Config": [{"Subnet": "172.17.0.0/16"}]}}]""";
        var html = LabHost.Run(["audit", "--iptables", LabHost.PathOf("iptables-save"), "--docker", "-", "--format", "html"], stdin: json).Out;

        var opened = await OpenAsync("hostile", html);

        Assert.Empty(opened.Dialogs);
        Assert.Equal(1, await opened.Page.Locator("script").CountAsync());
        Assert.Equal(0, await opened.Page.Locator("img").CountAsync());
        Assert.Contains("a<img src=x onerror=alert(1)>", await opened.Page.Locator("#networks").InnerTextAsync(), StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task The_reviewed_screenshots_are_what_chromium_renders()
    {
        foreach (var (name, html) in new[] { ("sample", LabHost.Audit("--containers", "--format", "html").Out), ("open", OpenHost()) })
        {
            var page = (await OpenAsync(name, html)).Page;
            var png = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
            var reviewed = Path.Combine(Corpus.RepoRoot, "docs", "images", $"audit-html-{name}.png");
            if (Snapshots.Updating) await File.WriteAllBytesAsync(reviewed, png);

            // Fonts differ between machines, so the pixels are reviewed by people, not compared here;
            // what is checked is that the reviewed image exists and the page renders to a real one.
            Assert.True(File.Exists(reviewed), $"{reviewed} is missing: run the tests with {Snapshots.UpdateVariable}=1 and review it");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
            Assert.True(png.Length > 20_000, $"a {png.Length}-byte screenshot of {name} is too small to show the report");
        }
    }

    private static string OpenHost() =>
        LabHost.Run(["audit", "--iptables", "-", "--sysctl", "net.bridge.bridge-nf-call-iptables=1", "--format", "html"],
            stdin: File.ReadAllText(Corpus.PathOf("docker", "docker20.10-sim-isolation-jump-missing.iptables-save"))).Out;

    private async Task<OpenedPage> OpenAsync(string name, string html)
    {
        var file = Path.Combine(folder, name + ".html");
        await File.WriteAllTextAsync(file, html);
        return await chromium.OpenAsync(file);
    }
}
