using Microsoft.Playwright;

namespace ServicePortal.Requests.Tests.Pages;

/// <summary>
/// The apply journey in Chromium, as a citizen on a phone, in Kiswahili: sign in, a form sent with errors, the
/// review, send, the application's page, "my applications" at 320 px. Once with JavaScript off (the pages need
/// none), once with it on so that axe (a script) checks every page; screenshots for the docs.
/// </summary>
public sealed class ApplyJourneyBrowserTests(RequestsPortalFactory portal) : IClassFixture<RequestsPortalFactory>, IAsyncLifetime
{
    private readonly Browser _browser = new();

    public Task InitializeAsync() => _browser.InitializeAsync();

    public Task DisposeAsync() => _browser.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_citizen_applies_and_follows_the_application_on_a_phone_in_Kiswahili(bool javaScript)
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        var page = await _browser.NewPageAsync(javaScript: javaScript);
        await page.GotoAsync(new Uri(portal.Address, "/account/sign-in").ToString());
        await page.GetByLabel("Namba ya Utambulisho wa Taifa (NIN)").FillAsync(nin);
        await page.GetByLabel("Nenosiri").FillAsync("Mti-Mrefu-Wa-Mwembe");
        await page.GetByRole(AriaRole.Button, new() { Name = "Endelea" }).ClickAsync();
        await page.GetByLabel("Namba ya uthibitisho").FillAsync(await portal.LatestCodeAsync(phone));
        await page.GetByRole(AriaRole.Button, new() { Name = "Ingia", Exact = true }).ClickAsync();
        await ShowsAsync(page, "h1:has-text('Akaunti yangu')");

        await page.GotoAsync(new Uri(portal.Address, "/apply/rita-birth-certificate").ToString());
        await CheckAsync(page, javaScript, "requests-apply-sw");
        await page.GetByRole(AriaRole.Button, new() { Name = "Endelea" }).ClickAsync();
        await ShowsAsync(page, ".error-summary");
        Assert.Contains("Tafadhali rekebisha yafuatayo", await page.InnerTextAsync(".error-summary"), StringComparison.Ordinal);
        await CheckAsync(page, javaScript, "requests-apply-errors-sw");
        await page.GetByLabel("Jina kamili la mtoto").FillAsync("Neema Baraka Mollel");
        await page.GetByLabel("Tarehe ya kuzaliwa").FillAsync("2026-10-01");
        await page.GetByLabel("Mahali alipozaliwa").FillAsync("Hospitali ya Mount Meru, Arusha");
        await page.GetByLabel("Ke", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Jina kamili la mama").FillAsync("Rehema Mollel");
        await page.GetByRole(AriaRole.Button, new() { Name = "Endelea" }).ClickAsync();
        await ShowsAsync(page, "h1:has-text('Hakiki majibu yako')");
        Assert.Contains("Hakiki majibu yako", await page.InnerTextAsync("h1"), StringComparison.Ordinal);
        Assert.Contains("Neema Baraka Mollel", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await CheckAsync(page, javaScript, "requests-review-sw");
        await page.GetByRole(AriaRole.Button, new() { Name = "Tuma ombi" }).ClickAsync();
        await ShowsAsync(page, ".notice >> text=Ombi lako limepokelewa");
        Assert.Matches("/maombi/SP-[0-9A-Z]{9}", page.Url);
        Assert.Contains("Cheti cha Kuzaliwa", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await CheckAsync(page, javaScript, "requests-sent-sw");

        await page.GotoAsync(new Uri(portal.Address, "/maombi").ToString());
        Assert.Contains("Cheti cha Kuzaliwa (RITA)", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await CheckAsync(page, javaScript, "requests-mine-sw");
        await page.SetViewportSizeAsync(320, 640);
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 320"), "the list is wider than 320 px");
    }

    /// <summary>Waits for the page to show <paramref name="selector"/>; if it does not, says where the browser is and what it shows.</summary>
    private static async Task ShowsAsync(IPage page, string selector)
    {
        try
        {
            await page.WaitForSelectorAsync(selector);
        }
        catch (TimeoutException)
        {
            var shown = await page.TextContentAsync("body", new() { Timeout = 5_000 }) ?? "";
            Assert.Fail($"The page never showed {selector}. At {page.Url}, it shows: {shown[..Math.Min(shown.Length, 1500)]}");
        }
    }

    /// <summary>With JavaScript on, axe on the page; with it off, the screenshot for the docs (what a cheap phone shows).</summary>
    private static async Task CheckAsync(IPage page, bool javaScript, string screenshot)
    {
        if (javaScript)
        {
            var violations = await Browser.SeriousAccessibilityViolationsAsync(page);
            Assert.True(violations.Count == 0, Browser.Describe(violations));
        }
        else
        {
            await Browser.ScreenshotAsync(page, screenshot);
        }
    }
}
