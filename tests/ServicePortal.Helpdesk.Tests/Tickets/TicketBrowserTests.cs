using Microsoft.Playwright;

namespace ServicePortal.Helpdesk.Tests.Tickets;

/// <summary>
/// In Chromium on a phone (360×740), in Kiswahili: from an application's page, "Uliza kuhusu ombi hili" opens the ticket
/// form about that application; sent empty it says what is missing; sent, the ticket's page shows the question. Axe on
/// every page (no serious or critical violation), nothing wider than the screen, a screenshot of each.
/// </summary>
public sealed class TicketBrowserTests(HelpdeskPortalFactory portal) : IClassFixture<HelpdeskPortalFactory>, IAsyncLifetime
{
    private readonly Browser _browser = new();

    public Task InitializeAsync() => _browser.InitializeAsync();

    public Task DisposeAsync() => _browser.DisposeAsync();

    [Fact]
    public async Task From_an_application_page_a_citizen_opens_a_ticket_about_it_and_sees_it()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        var accountId = await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });
        var reference = await portal.ApplicationAsync(accountId);
        var page = await _browser.NewPageAsync(360, 740);

        await page.GotoAsync(new Uri(portal.Address, $"/maombi/{reference}").ToString());
        await page.GetByLabel("Namba ya Utambulisho wa Taifa (NIN)").FillAsync(nin);
        await page.GetByLabel("Nenosiri", new() { Exact = true }).FillAsync("Mti-Mrefu-Wa-Mwembe");
        await page.GetByRole(AriaRole.Button, new() { Name = "Endelea" }).ClickAsync();
        await page.GetByLabel("Namba ya uthibitisho").FillAsync(await portal.LatestCodeAsync(phone));
        await page.GetByRole(AriaRole.Button, new() { Name = "Ingia", Exact = true }).ClickAsync();
        await page.WaitForSelectorAsync($"h1:has-text('{reference}')");

        await page.GetByRole(AriaRole.Link, new() { Name = "Uliza kuhusu ombi hili" }).ClickAsync();
        await page.WaitForSelectorAsync("h1:has-text('Fungua tiketi')");
        Assert.Equal(reference, await page.GetByLabel("Namba ya ombi").InputValueAsync());
        Assert.True(await page.GetByLabel("Swali kuhusu ombi").IsCheckedAsync());
        await CheckAsync(page, "helpdesk-ticket-new-sw-360");

        await page.GetByRole(AriaRole.Button, new() { Name = "Tuma" }).ClickAsync();
        await page.WaitForSelectorAsync(".error-summary");
        Assert.Contains("Andika swali au tatizo lako.", await page.InnerTextAsync(".error-summary"), StringComparison.Ordinal);
        await CheckAsync(page, "helpdesk-ticket-new-error-sw-360");

        await page.GetByLabel("Swali au tatizo lako").FillAsync("Ombi langu limekaa wiki mbili bila kubadilika. Nifanye nini?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Tuma" }).ClickAsync();
        await page.WaitForSelectorAsync(".notice >> text=Tiketi yako imefunguliwa");
        Assert.Matches("/msaada/tiketi/TK-[0-9A-HJKMNP-TV-Z]{9}", page.Url);
        var shown = await page.InnerTextAsync("main");
        Assert.Contains("Ombi langu limekaa wiki mbili bila kubadilika. Nifanye nini?", shown, StringComparison.Ordinal);
        Assert.Contains(reference, shown, StringComparison.Ordinal);
        await CheckAsync(page, "helpdesk-ticket-sw-360");

        await page.GetByRole(AriaRole.Link, new() { Name = "Tiketi zangu zote" }).ClickAsync();
        await page.WaitForSelectorAsync("h1:has-text('Tiketi zangu')");
        await CheckAsync(page, "helpdesk-tickets-mine-sw-360");
    }

    private static async Task CheckAsync(IPage page, string screenshot)
    {
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 360, $"{page.Url} is {scrollWidth} px wide on a 360 px screen");
        var violations = await Browser.SeriousAccessibilityViolationsAsync(page);
        Assert.True(violations.Count == 0, $"{page.Url}: {Browser.Describe(violations)}");
        await Browser.ScreenshotAsync(page, screenshot);
    }
}
