using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit;

namespace ServicePortal.Testing;

/// <summary>
/// Headless Chromium from the machine's packages (<c>/usr/bin/chromium</c>, or <c>PORTAL_CHROMIUM</c>),
/// driven by Playwright. Playwright's own browser download cannot work here, so the test run never tries
/// it. One browser per test class, as its class fixture (<c>IClassFixture&lt;Browser&gt;</c>): starting Chromium and
/// Playwright's driver costs seconds of CPU, so not per test; each test opens its own context (cookies are not shared).
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ExecutablePath =>
        System.Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {ExecutablePath}. Install it with 'sudo apt-get install -y chromium' " +
                "(./build.sh test does this), or set PORTAL_CHROMIUM to its path.");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions",
            ],
        });
    }

    /// <summary>A new page in a new context: a phone-sized viewport unless told otherwise.</summary>
    public async Task<IPage> NewPageAsync(int width = 360, int height = 740, bool javaScript = true)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-US", // as most phones here are set: the portal must still open in Kiswahili
            JavaScriptEnabled = javaScript,
        });
        // Generous: a busy machine (CI on 2 cores) must not fail a test by slowness alone.
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        var page = await context.NewPageAsync();
        if (!javaScript)
        {
            WithoutJavaScript.Add(page, new object());
        }

        return page;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }

    // Pages opened with JavaScript off: axe is a script, and there it would wait forever for its own timers.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, object> WithoutJavaScript = [];

    /// <summary>
    /// Runs axe and returns the violations that are serious or critical. Axe is a script: run it on a page opened
    /// with JavaScript on (the portal's pages render the same either way); on a page without it axe would hang.
    /// </summary>
    public static async Task<IReadOnlyList<AxeResultItem>> SeriousAccessibilityViolationsAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (WithoutJavaScript.TryGetValue(page, out _))
        {
            throw new InvalidOperationException("axe cannot run on a page opened with JavaScript off (it would wait forever): " +
                                                "check accessibility on a page opened with javaScript: true.");
        }

        var result = await page.RunAxe();
        return [.. result.Violations.Where(v => v.Impact is "serious" or "critical")];
    }

    /// <summary>
    /// Clicks the button named <paramref name="button"/> and waits for the page at <paramref name="expectedUrl"/> (a
    /// glob). When it never comes, the failure says where the browser is and what that page says (an error summary
    /// tells why a form was refused), with <paramref name="serverLog"/>'s lines when given: a bare timeout tells nothing.
    /// </summary>
    public static async Task ClickAndWaitForAsync(IPage page, string button, string expectedUrl, Func<string>? serverLog = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
        try
        {
            await page.ArriveAsync(expectedUrl);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"After '{button}' the browser never reached {expectedUrl}. {await DescribeAsync(page)}" +
                                       (serverLog is null ? "" : $"{Environment.NewLine}Server log:{Environment.NewLine}{serverLog()}"), e);
        }
    }

    /// <summary>Where the page is and the text it shows (for a failure message).</summary>
    public static async Task<string> DescribeAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        string text;
        try
        {
            text = await page.InnerTextAsync("body", new() { Timeout = 5_000 });
        }
        catch (PlaywrightException e)
        {
            text = $"(no text: {e.Message})";
        }

        return $"It is at {page.Url}, showing:{Environment.NewLine}{text}";
    }

    public static string Describe(IEnumerable<AxeResultItem> violations) =>
        string.Join(Environment.NewLine, violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}"));

    /// <summary>
    /// Saves a full-page screenshot as <c>{name}.png</c>: in the test output folder (<c>screenshots/</c> beside the
    /// test assembly), or in <c>PORTAL_SCREENSHOTS</c> when set. <c>./build.sh screenshots</c> sets it to
    /// <c>docs/screenshots</c> to refresh the pictures the docs show, on purpose rather than on every test run.
    /// </summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var folder = System.Environment.GetEnvironmentVariable("PORTAL_SCREENSHOTS") is { Length: > 0 } chosen
            ? chosen
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        var path = Path.Combine(folder, name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}

/// <summary>Navigation waits for the portal's pages.</summary>
public static class PageNavigation
{
    /// <summary>
    /// Waits until the page is at <paramref name="url"/> (a glob) and the navigation there has committed: Playwright's
    /// own event, no polling. Not its default (the <c>load</c> event), nor <c>DOMContentLoaded</c>: in clean runs on a
    /// loaded machine a click-started navigation's <c>load</c>, and once its <c>DOMContentLoaded</c>, was never seen within
    /// 60 s although the page was drawn. Nothing a test reads needs more: its locators wait for what they read.
    /// </summary>
    public static Task ArriveAsync(this IPage page, string url)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.WaitForURLAsync(url, new() { WaitUntil = WaitUntilState.Commit });
    }

    /// <inheritdoc cref="ArriveAsync(IPage, string)"/>
    public static Task ArriveAsync(this IPage page, Func<string, bool> url)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.WaitForURLAsync(url, new() { WaitUntil = WaitUntilState.Commit });
    }
}

/// <summary>The top of the source tree (the folder holding ServicePortal.sln).</summary>
public static class SourceTree
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ServicePortal.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The tests run outside the source tree: ServicePortal.sln not found.");
    }
}
