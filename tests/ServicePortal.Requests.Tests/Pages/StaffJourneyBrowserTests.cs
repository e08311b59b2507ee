using Microsoft.Playwright;

namespace ServicePortal.Requests.Tests.Pages;

/// <summary>
/// The portal with the demo catalogue on a real port, without agencies or jobs: the sync page reads what the sync
/// recorded, so the test writes those records itself and nothing moves under it.
/// </summary>
public sealed class SyncPageFactory : PortalFactory
{
    public SyncPageFactory() => With("Catalog:SeedDemoData", "true");
}

/// <summary>
/// The administrator's sync page walked in Chromium on a phone (360×740), in Kiswahili, from the header's staff link,
/// with axe on every page (nothing serious or critical) and nothing wider than the screen: agencies in trouble first,
/// each row stacked as a card; an agency's problem in the portal's words with the agency's own text quoted; both lists
/// paged and following one search; then in English. One Chromium for the class.
/// </summary>
public sealed class StaffJourneyBrowserTests(SyncPageFactory portal, Browser browser)
    : IClassFixture<SyncPageFactory>, IClassFixture<Browser>
{
    private readonly Uri _address = portal.ServerAddress ??= portal.StartKestrel();

    private string Url(string path) => new Uri(_address, path).ToString();

    [Fact]
    public async Task An_administrator_follows_the_agencies_sync_on_a_phone_in_both_languages()
    {
        // 30 quiet agencies (two pages of 25 with brela), brela failing with its own words, and 25 unusable answers.
        await portal.ExecuteAsync("""
            INSERT INTO requests.agency_sync (agency, last_attempt_at, last_success_at)
            SELECT 'zz-quiet-' || lpad(n::text, 2, '0'), now(), now() FROM generate_series(1, 30) n;
            INSERT INTO requests.agency_sync (agency, last_attempt_at, last_error, consecutive_failures, circuit_open_until)
            VALUES ('brela', now(), 'the agency reports {"code":"E42","message":"Mfumo <b>umezimwa</b>"}', 4, now() + interval '10 minutes');
            INSERT INTO requests.agency_errors (agency, source, agency_reference, problem)
            SELECT 'brela', 'pull', 'BRELA-2026-' || n, 'unknown status ''imekwama''' FROM generate_series(1, 24) n;
            INSERT INTO requests.agency_errors (agency, source, problem, excerpt)
            VALUES ('brela', 'pull', 'the agency answered 503', '<html>Service Unavailable</html>');
            """);
        var page = await SignedInAdministratorAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Kazi za watumishi" }).First.ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Usawazishaji wa hali na taasisi" }).ClickAsync();
        await page.ArriveAsync("**/admin/requests/sync");
        Assert.Equal("Taasisi 31 · ukurasa 1 kati ya 2", await page.InnerTextAsync("main p[role=status]"));
        var brela = page.Locator("table.stack tbody tr").First;
        Assert.Equal("block", await brela.EvaluateAsync<string>("e => getComputedStyle(e).display"));
        var row = await brela.InnerTextAsync();
        Assert.StartsWith("brela", row, StringComparison.Ordinal);
        Assert.Contains("Umefunguliwa hadi", row, StringComparison.Ordinal);
        Assert.Contains(" EAT", row, StringComparison.Ordinal);
        Assert.Contains("Taasisi iliripoti kosa kwa ombi hili.", row, StringComparison.Ordinal);
        Assert.Equal("{\"code\":\"E42\",\"message\":\"Mfumo <b>umezimwa</b>\"}", await brela.Locator(".agency-text q").InnerTextAsync());
        var newest = page.Locator("ul.results > li").First;
        Assert.Contains("Taasisi ilijibu 503 badala ya jibu la kawaida.", await newest.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("<html>Service Unavailable</html>", await newest.Locator(".agency-text q").InnerTextAsync());
        await CheckAsync(page, "the sync page");
        // The first screen only (the whole page is 25 agencies long), where Browser.ScreenshotAsync would put it.
        var pictures = Environment.GetEnvironmentVariable("PORTAL_SCREENSHOTS") is { Length: > 0 } chosen
            ? chosen
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(pictures);
        await page.ScreenshotAsync(new() { Path = Path.Combine(pictures, "requests-admin-sync-sw-360.png") });

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Kurasa za taasisi" }).GetByRole(AriaRole.Link, new() { Name = "Zinazofuata »" }).ClickAsync();
        await page.ArriveAsync(url => url.EndsWith("?page=2", StringComparison.Ordinal));
        Assert.Equal(6, await page.Locator("table.stack tbody tr").CountAsync());
        await CheckAsync(page, "the sync page, agencies page 2");
        await page.GetByRole(AriaRole.Link, new() { Name = "Ya zamani zaidi »" }).ClickAsync();
        await page.ArriveAsync(url => url.Contains("errors=2", StringComparison.Ordinal));
        Assert.Equal(5, await page.Locator("ul.results > li").CountAsync());
        Assert.Contains("Taasisi ilituma hali ambayo lango haiijui.", await page.InnerTextAsync("ul.results"), StringComparison.Ordinal);
        await CheckAsync(page, "the sync page, answers page 2");

        await page.GetByLabel("Tafuta taasisi kwa jina au msimbo").FillAsync("brela");
        await page.GetByRole(AriaRole.Button, new() { Name = "Tafuta", Exact = true }).ClickAsync();
        await page.ArriveAsync(url => url.EndsWith("?q=brela", StringComparison.Ordinal));
        Assert.Equal("Taasisi 1", await page.InnerTextAsync("main p[role=status]"));
        await CheckAsync(page, "the sync page, searched");

        await page.GotoAsync(Url("/admin/requests/sync?q=brela&lang=en"));
        Assert.Contains("The agency reported an error for this application.", await page.InnerTextAsync("table.stack"), StringComparison.Ordinal);
        Assert.Contains("The agency answered 503 instead of a normal answer.", await page.InnerTextAsync("ul.results"), StringComparison.Ordinal);
        await CheckAsync(page, "the sync page in English");

        // A page number that is not one shows the nearest page.
        Assert.Equal(200, (await page.GotoAsync(Url("/admin/requests/sync?page=abc&errors=999")))!.Status);
    }

    private async Task<IPage> SignedInAdministratorAsync()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        await portal.ExecuteAsync("""
            WITH a AS (UPDATE identity.accounts SET first_name = 'Emmanuel', last_name = 'Kimaro' WHERE nin = @nin RETURNING id)
            INSERT INTO identity.account_roles (account_id, role) SELECT id, 'administrator' FROM a
            """, new { nin });
        var page = await browser.NewPageAsync(360, 740);
        await page.GotoAsync(Url("/account/sign-in"));
        await page.GetByLabel("Namba ya Utambulisho wa Taifa (NIN)").FillAsync(nin);
        await page.GetByLabel("Nenosiri", new() { Exact = true }).FillAsync("Mti-Mrefu-Wa-Mwembe");
        await page.GetByRole(AriaRole.Button, new() { Name = "Endelea", Exact = true }).ClickAsync();
        await page.ArriveAsync("**/account/sign-in/code**");
        await page.GetByLabel("Namba ya uthibitisho", new() { Exact = true }).FillAsync(await portal.SignInCodeAsync(phone));
        // A sign-in that never arrives reports the page it stayed on and the portal's last log lines.
        await Browser.ClickAndWaitForAsync(page, "Ingia", "**/account", () => portal.Logs.Recent());
        return page;
    }

    /// <summary>Axe finds nothing serious or critical, and nothing is wider than the phone's screen.</summary>
    private static async Task CheckAsync(IPage page, string what)
    {
        var violations = await Browser.SeriousAccessibilityViolationsAsync(page);
        Assert.True(violations.Count == 0, what + Environment.NewLine + Browser.Describe(violations));
        var width = page.ViewportSize!.Width;
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        var wide = scrollWidth <= width ? "" : await page.EvaluateAsync<string>(
            "w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w)" +
            ".map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 40)).slice(0, 8).join(' | ')", width);
        Assert.True(scrollWidth <= width, $"{what} is {scrollWidth} px wide on a {width} px screen: {wide}");
    }
}
