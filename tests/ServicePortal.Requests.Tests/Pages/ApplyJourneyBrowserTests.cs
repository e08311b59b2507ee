using Microsoft.Playwright;

namespace ServicePortal.Requests.Tests.Pages;

/// <summary>
/// The apply journey in Chromium, as a citizen on a phone (360×740), in Kiswahili, from the service's "apply" link:
/// signed out, so sign-in and its SMS code first and back to the form; the form sent empty, then with a birth date in
/// the future, then right; the check-your-answers page (the date in words); send; the application's page (what was
/// sent); "my applications", which tells it apart by the child's name; and the pages read at 320 px. Once with
/// JavaScript off (the pages need none), with a screenshot of every page in the test output (PORTAL_SCREENSHOTS decides
/// where); once with it on, so that axe (a script) checks every page.
/// </summary>
public sealed class ApplyJourneyBrowserTests(RequestsPortalFactory portal, Browser browser) : IClassFixture<RequestsPortalFactory>, IClassFixture<Browser>
{
    private readonly Browser _browser = browser;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_citizen_applies_and_follows_the_application_on_a_phone_in_Kiswahili(bool javaScript)
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        var page = await _browser.NewPageAsync(360, 740, javaScript);

        // From the service's link, signed out: sign in first, then straight back to the form.
        await page.GotoAsync(new Uri(portal.Address, "/apply/rita-birth-certificate").ToString());
        await ShowsAsync(page, "h1");
        Assert.Contains("/account/sign-in", page.Url, StringComparison.Ordinal);
        await CheckAsync(page, javaScript, "requests-sign-in-sw");
        await page.GetByLabel("Namba ya Utambulisho wa Taifa (NIN)").FillAsync(nin);
        await page.GetByLabel("Nenosiri", new() { Exact = true }).FillAsync("Mti-Mrefu-Wa-Mwembe");
        await page.GetByRole(AriaRole.Button, new() { Name = "Endelea" }).ClickAsync();
        await page.GetByLabel("Namba ya uthibitisho").FillAsync(await portal.LatestCodeAsync(phone));
        await page.GetByRole(AriaRole.Button, new() { Name = "Ingia", Exact = true }).ClickAsync();
        await ShowsAsync(page, "h1:has-text('Cheti cha Kuzaliwa')");
        Assert.EndsWith("/apply/rita-birth-certificate", page.Url, StringComparison.Ordinal);
        await CheckAsync(page, javaScript, "requests-apply-sw");

        // Sent empty: every question says what it needs, the summary links to each.
        await page.GetByRole(AriaRole.Button, new() { Name = "Endelea" }).ClickAsync();
        await ShowsAsync(page, ".error-summary");
        Assert.Contains("Tafadhali rekebisha yafuatayo", await page.InnerTextAsync(".error-summary"), StringComparison.Ordinal);
        await CheckAsync(page, javaScript, "requests-apply-errors-sw");

        // The child first, then the parents; the date in three boxes, a birth next year refused in words.
        var nextYear = (DateTime.UtcNow.Year + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await page.GetByLabel("Jina kamili la mtoto").FillAsync("Neema Baraka Mollel");
        await page.GetByLabel("Mwanamke", new() { Exact = true }).CheckAsync();
        var birth = page.GetByRole(AriaRole.Group, new() { Name = "Tarehe ya kuzaliwa ya mtoto" });
        await birth.GetByLabel("Siku", new() { Exact = true }).FillAsync("1");
        await birth.GetByLabel("Mwezi", new() { Exact = true }).FillAsync("10");
        await birth.GetByLabel("Mwaka", new() { Exact = true }).FillAsync(nextYear);
        await page.GetByLabel("Mahali alipozaliwa mtoto").FillAsync("Hospitali ya Mount Meru, Arusha");
        await page.GetByLabel("Jina kamili la mama").FillAsync("Rehema Mollel");
        await page.GetByRole(AriaRole.Button, new() { Name = "Endelea" }).ClickAsync();
        await ShowsAsync(page, ".error-summary >> text=iwe leo au tarehe iliyopita");
        Assert.Equal(nextYear, await page.GetByLabel("Mwaka", new() { Exact = true }).InputValueAsync());
        await CheckAsync(page, javaScript, "requests-apply-date-error-sw");
        await page.GetByLabel("Mwaka", new() { Exact = true }).FillAsync("2026");
        await page.GetByRole(AriaRole.Button, new() { Name = "Endelea" }).ClickAsync();

        // Check your answers: the date in words.
        await ShowsAsync(page, "h1:has-text('Hakiki majibu yako')");
        var review = await page.InnerTextAsync("main");
        Assert.Contains("Neema Baraka Mollel", review, StringComparison.Ordinal);
        Assert.Contains("1 Oktoba 2026", review, StringComparison.Ordinal);
        Assert.Contains("Mwanamke", review, StringComparison.Ordinal);
        await CheckAsync(page, javaScript, "requests-review-sw");
        await page.GetByRole(AriaRole.Button, new() { Name = "Tuma ombi" }).ClickAsync();

        // The application's page: the reference, and what was sent.
        await ShowsAsync(page, ".notice >> text=Ombi lako limepokelewa");
        Assert.Matches("/maombi/SP-[0-9A-Z]{9}", page.Url);
        var sent = await page.InnerTextAsync("main");
        Assert.Contains("Cheti cha Kuzaliwa", sent, StringComparison.Ordinal);
        Assert.Contains("Ulichotuma", sent, StringComparison.Ordinal);
        Assert.Contains("1 Oktoba 2026", sent, StringComparison.Ordinal);
        await CheckAsync(page, javaScript, "requests-sent-sw");
        var detail = page.Url;

        // My applications: told apart by the child's name.
        await page.GetByRole(AriaRole.Link, new() { Name = "Maombi yangu yote" }).ClickAsync();
        await ShowsAsync(page, "h1:has-text('Maombi yangu')");
        Assert.Contains("Cheti cha Kuzaliwa: Neema Baraka Mollel", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Contains("Ombi 1", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await CheckAsync(page, javaScript, "requests-mine-sw");

        // The narrowest phones: nothing wider than 320 px.
        await page.SetViewportSizeAsync(320, 640);
        await FitsAsync(page, 320);
        await page.GotoAsync(detail);
        await FitsAsync(page, 320);
        await page.GotoAsync(new Uri(portal.Address, "/apply/rita-birth-certificate").ToString());
        await FitsAsync(page, 320);
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

    /// <summary>
    /// Every page: no sideways scrolling at the phone's width; with JavaScript on, axe; with it off, the screenshot (what
    /// a cheap phone shows).
    /// </summary>
    private static async Task CheckAsync(IPage page, bool javaScript, string screenshot)
    {
        await FitsAsync(page, 360);
        if (javaScript)
        {
            var violations = await Browser.SeriousAccessibilityViolationsAsync(page);
            Assert.True(violations.Count == 0, $"{page.Url}: {Browser.Describe(violations)}");
        }
        else
        {
            await Browser.ScreenshotAsync(page, screenshot);
        }
    }

    private static async Task FitsAsync(IPage page, int width)
    {
        // Reading the layout needs a script; with JavaScript off the page's own scripts are off, not Playwright's.
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= width, $"{page.Url} is {scrollWidth} px wide on a {width} px screen");
    }
}
