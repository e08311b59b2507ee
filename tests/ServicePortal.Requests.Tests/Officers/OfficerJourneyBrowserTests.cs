using Microsoft.Playwright;
using static ServicePortal.Testing.BrowserJourneys;

namespace ServicePortal.Requests.Tests.Officers;

/// <summary>The officer's portal on a real port, for Chromium.</summary>
public sealed class OfficerBrowserPortalFactory : OfficerPortalFactory;

/// <summary>
/// The rita officer's day in Chromium on a phone (360×740), in Kiswahili: from the staff home to the agency's
/// applications, filtered by status, then one opened with its timeline; axe on every page (nothing serious or
/// critical), nothing wider than the screen, rows stacked as cards; brela's application never shown.
/// </summary>
public sealed class OfficerJourneyBrowserTests(OfficerBrowserPortalFactory portal, Browser browser)
    : IClassFixture<OfficerBrowserPortalFactory>, IClassFixture<Browser>
{
    private readonly Uri _address = portal.ServerAddress ??= portal.StartKestrel();

    private string Url(string path) => new Uri(_address, path).ToString();

    [Fact]
    public async Task The_rita_officer_filters_the_agencys_applications_and_opens_one_on_a_phone()
    {
        var (citizenNin, _) = await portal.CreateAccountAsync();
        var citizen = await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @citizenNin", new { citizenNin });
        var inReview = await portal.ApplicationAsync(citizen, "rita", "rita-birth-certificate", "in_review", daysAgo: 12, processingDays: 10,
            answers: """{"childName": "Baraka Juma Mollel", "placeOfBirth": "Hospitali ya Mount Meru, Arusha"}""");
        var completed = await portal.ApplicationAsync(citizen, "rita", "rita-death-certificate", "completed", daysAgo: 4);
        var brelas = await portal.ApplicationAsync(citizen, "brela", "brela-business-name", "in_review");
        await portal.ExecuteAsync(
            "INSERT INTO requests.agency_errors (agency, source, agency_reference, problem) VALUES ('rita', 'pull', 'RITA-2026-000001', 'unknown status ''imekwama''')");
        var page = await SignedInOfficerAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Kazi za watumishi" }).First.ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Maombi yaliyotumwa kwa taasisi yako" }).ClickAsync();
        await page.ArriveAsync("**/agency/requests");
        var list = await page.InnerTextAsync("main");
        Assert.Contains(inReview, list, StringComparison.Ordinal);
        Assert.Contains(completed, list, StringComparison.Ordinal);
        Assert.DoesNotContain(brelas, list, StringComparison.Ordinal);
        Assert.Contains("Taasisi ilituma hali ambayo lango haiijui.", list, StringComparison.Ordinal);
        Assert.Equal("block", await page.Locator("table.stack tbody tr").First.EvaluateAsync<string>("e => getComputedStyle(e).display"));
        await AssertAccessibleAndNarrowAsync(page, "the agency's applications");

        await page.GetByLabel("Hali", new() { Exact = true }).SelectOptionAsync("in_review");
        await page.GetByRole(AriaRole.Button, new() { Name = "Chuja", Exact = true }).ClickAsync();
        await page.ArriveAsync(url => url.Contains("status=in_review", StringComparison.Ordinal));
        Assert.Equal("Ombi 1", await page.InnerTextAsync("main p[role=status]"));
        var row = await page.Locator("table.stack tbody tr").First.InnerTextAsync();
        Assert.Contains("Siku 12 kati ya 10", row, StringComparison.Ordinal);
        Assert.Contains("Imechelewa", row, StringComparison.Ordinal);
        await AssertAccessibleAndNarrowAsync(page, "the agency's applications, filtered");
        await Browser.ScreenshotAsync(page, "requests-agency-officer-sw-360");

        await page.GetByRole(AriaRole.Link, new() { Name = inReview }).ClickAsync();
        await page.ArriveAsync($"**/agency/requests/{inReview}");
        Assert.Equal($"Ombi {inReview}", await page.InnerTextAsync("h1"));
        Assert.Equal(3, await page.Locator("ol.timeline > li").CountAsync());
        await AssertAccessibleAndNarrowAsync(page, "one application");
        await Browser.ScreenshotAsync(page, "requests-agency-officer-application-sw-360");
        Assert.Equal(1, await portal.CountAsync(
            "SELECT count(*) FROM portal.access_log WHERE citizen_account_id = @citizen AND subject = @inReview AND staff_role = 'agency_officer:rita'",
            new { citizen, inReview }));

        Assert.Equal(404, (await page.GotoAsync(Url($"/agency/requests/{brelas}")))!.Status);
    }

    [Fact]
    public async Task A_citizen_rates_a_completed_application_on_a_phone_and_is_offered_the_complaint()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        var citizen = await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });
        var done = await portal.ApplicationAsync(citizen, "rita", "rita-birth-certificate", "completed", daysAgo: 6);
        var page = await SignedInAsync(nin, phone);

        await page.GotoAsync(Url($"/maombi/{done}"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Tuma tathmini" }).ClickAsync();
        await page.ArriveAsync($"**/maombi/{done}?handler=Rate");
        Assert.Contains("Chagua alama kutoka 1 hadi 5.", await page.InnerTextAsync(".error-summary"), StringComparison.Ordinal);
        await AssertAccessibleAndNarrowAsync(page, "the rating with an error");
        await page.GetByLabel("4 · Nzuri", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Maoni (si lazima)").FillAsync("Cheti kilifika mapema.");
        await Browser.ScreenshotAsync(page, "requests-rating-sw-360");
        await page.GetByRole(AriaRole.Button, new() { Name = "Tuma tathmini" }).ClickAsync();
        await page.ArriveAsync(url => url.EndsWith($"/maombi/{done}#rating", StringComparison.Ordinal));
        Assert.Contains("Ulitoa alama 4 kati ya 5. Asante.", await page.InnerTextAsync("#rating"), StringComparison.Ordinal);
        Assert.Equal($"/msaada/tiketi/mpya?ombi={done}&aina=complaint",
            await page.GetByRole(AriaRole.Link, new() { Name = "Toa lalamiko" }).GetAttributeAsync("href"));
        await AssertAccessibleAndNarrowAsync(page, "the application, rated");
    }

    private async Task<IPage> SignedInOfficerAsync()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        await portal.ExecuteAsync("""
            WITH a AS (UPDATE identity.accounts SET first_name = 'Baraka', last_name = 'Mushi' WHERE nin = @nin RETURNING id)
            INSERT INTO identity.account_roles (account_id, role, agency_code) SELECT id, 'agency_officer', 'rita' FROM a
            """, new { nin });
        return await SignedInAsync(nin, phone);
    }

    private Task<IPage> SignedInAsync(string nin, string phone) => portal.SignInWithBrowserAsync(browser, nin, phone);
}
