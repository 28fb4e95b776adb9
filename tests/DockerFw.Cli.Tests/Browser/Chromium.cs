using Microsoft.Playwright;

namespace DockerFw.Cli.Tests.Browser;

/// <summary>
/// Debian's chromium, headless, driven by Playwright: the HTML report is judged by a real browser
/// rendering it from disk. Any request the page makes is recorded and refused, so a report that
/// needed the network would show it. The flags keep Chromium from reaching out on its own.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string Executable = "/usr/bin/chromium";

    private IPlaywright? playwright;
    private IBrowser? browser;

    public static bool Installed => File.Exists(Executable);

    public async Task InitializeAsync()
    {
        if (!Installed) return;
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>Opens an HTML file in a fresh page; <see cref="OpenedPage.Requests"/> lists what else it asked for.</summary>
    public async Task<OpenedPage> OpenAsync(string file, int width = 1280)
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } });
        var page = await context.NewPageAsync();
        var url = new Uri(file).AbsoluteUri;
        var requests = new List<string>();
        await page.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url == url) await route.ContinueAsync();
            else
            {
                lock (requests) requests.Add(route.Request.Url);
                await route.AbortAsync();
            }
        });
        var dialogs = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            lock (dialogs) dialogs.Add(dialog.Message);
            await dialog.DismissAsync();
        };
        await page.GotoAsync(url);
        return new OpenedPage(page, requests, dialogs);
    }

    public async Task DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
    }
}

/// <summary>A report open in the browser, with the requests it tried beyond its own file and the dialogs it raised.</summary>
public sealed record OpenedPage(IPage Page, IReadOnlyList<string> Requests, IReadOnlyList<string> Dialogs);

/// <summary>A fact that needs Debian's chromium (CI installs it); skipped with the reason where it is missing.</summary>
internal sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!Chromium.Installed) Skip = $"SKIPPED: needs {Chromium.Executable} (apt-get install chromium; CI installs it)";
    }
}
