using Microsoft.Playwright;

namespace ServicePortal.Helpdesk.Tests.Staff;

/// <summary>
/// In Chromium on a phone (360×740), in Kiswahili: a helpdesk agent finds a citizen's ticket by its number, opens the
/// citizen's case, opens the ticket and escalates it to RITA; RITA's officer answers from their page; the citizen reads
/// the answer on the ticket and, on "who viewed my data", the agent's access. Axe on every page (no serious or critical violation), nothing wider than the screen, a
/// screenshot of each.
/// </summary>
public sealed class StaffJourneyBrowserTests(HelpdeskPortalFactory portal, Browser browser)
    : IClassFixture<HelpdeskPortalFactory>, IClassFixture<Browser>
{
    [Fact]
    public async Task An_agent_escalates_a_ticket_the_rita_officer_answers_and_the_citizen_reads_it()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        var citizenId = await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });
        var reference = await portal.ApplicationAtAsync(citizenId, "rita");
        var ticket = await portal.TicketAsync(citizenId, reference: reference);
        var (agentNin, agentPhone) = await StaffAccountAsync("helpdesk_agent", "");
        await portal.ExecuteAsync("UPDATE identity.accounts SET first_name = 'Juma', last_name = 'Mrisho' WHERE nin = @agentNin", new { agentNin });
        var (officerNin, officerPhone) = await StaffAccountAsync("agency_officer", "rita");

        // The agent: the queues, the find, the case, the ticket, escalation.
        var agent = await browser.NewPageAsync(360, 740);
        await SignInAtAsync(agent, "/helpdesk", agentNin, agentPhone);
        await agent.WaitForSelectorAsync("h1:has-text('Dawati la msaada')");
        await CheckAsync(agent, "helpdesk-staff-queues-sw-360");
        await agent.GetByLabel("Tafuta kwa namba ya tiketi, namba ya ombi (SP-…) au simu").FillAsync(ticket);
        await agent.GetByRole(AriaRole.Button, new() { Name = "Tafuta", Exact = true }).ClickAsync();
        await agent.ArriveAsync("**/helpdesk/tafuta?q=*");
        await agent.WaitForSelectorAsync("h2:has-text('Matokeo')");
        await CheckAsync(agent, "helpdesk-staff-find-sw-360");
        await agent.GetByRole(AriaRole.Link, new() { Name = "Rehema Mollel" }).ClickAsync();
        await agent.ArriveAsync($"**/helpdesk/raia/{citizenId}");
        await agent.WaitForSelectorAsync("h2:has-text('Maombi')");
        Assert.Contains(reference, await agent.InnerTextAsync("main"), StringComparison.Ordinal);
        await CheckAsync(agent, "helpdesk-staff-case-sw-360");
        await agent.GetByRole(AriaRole.Link, new() { Name = ticket }).First.ClickAsync();
        await agent.ArriveAsync($"**/helpdesk/tiketi/{ticket}");
        await agent.WaitForSelectorAsync("h2:has-text('Mazungumzo')");
        await CheckAsync(agent, "helpdesk-staff-ticket-sw-360");
        await Browser.ClickAndWaitForAsync(agent, "Ipeleke kwa RITA", "**/helpdesk/tiketi/*?done=escalated");
        Assert.Contains("Tiketi imepelekwa kwa taasisi.", await agent.InnerTextAsync(".notice"), StringComparison.Ordinal);

        // RITA's officer: their tickets, the ticket, the answer.
        var officer = await browser.NewPageAsync(360, 740);
        await SignInAtAsync(officer, "/agency/tickets", officerNin, officerPhone);
        await officer.WaitForSelectorAsync("h1:has-text('Tiketi zilizopelekwa kwa taasisi yako')");
        await CheckAsync(officer, "agency-officer-tickets-sw-360");
        await officer.GetByRole(AriaRole.Link, new() { Name = ticket }).ClickAsync();
        await officer.ArriveAsync($"**/agency/tickets/{ticket}");
        await officer.GetByLabel("Jibu kwa raia").FillAsync("Tumepokea cheti cha hospitali. Cheti chako kitakuwa tayari Ijumaa.");
        await CheckAsync(officer, "agency-officer-ticket-sw-360");
        await Browser.ClickAndWaitForAsync(officer, "Tuma jibu", "**/agency/tickets/*?jibu=1");
        Assert.Contains("Jibu lenu limemfikia raia", await officer.InnerTextAsync(".notice"), StringComparison.Ordinal);

        // The citizen reads it.
        var citizen = await browser.NewPageAsync(360, 740);
        await SignInAtAsync(citizen, $"/msaada/tiketi/{ticket}", nin, phone);
        await citizen.WaitForSelectorAsync("h2:has-text('Mazungumzo')");
        var shown = await citizen.InnerTextAsync("main");
        Assert.Contains("Cheti chako kitakuwa tayari Ijumaa.", shown, StringComparison.Ordinal);
        Assert.Contains("Taasisi (RITA)", shown, StringComparison.Ordinal);
        await CheckAsync(citizen, "helpdesk-ticket-agency-answer-sw-360");

        // ...and sees, from the account page, that the agent opened their case and their ticket (the stated role, not a name).
        await citizen.GotoAsync(new Uri(portal.Address, "/account").ToString());
        await citizen.GetByRole(AriaRole.Link, new() { Name = "Nani ameangalia taarifa zangu" }).ClickAsync();
        await citizen.ArriveAsync("**/account/access-log");
        await citizen.WaitForSelectorAsync("ul.access-log");
        var accesses = await citizen.InnerTextAsync("ul.access-log");
        Assert.Contains("Mhudumu wa dawati la msaada", accesses, StringComparison.Ordinal);
        Assert.DoesNotContain("Juma", accesses, StringComparison.Ordinal);
        await CheckAsync(citizen, "helpdesk-citizen-who-viewed-sw-360");
    }

    private async Task<(string Nin, string Phone)> StaffAccountAsync(string role, string agency)
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        await portal.ExecuteAsync(
            "INSERT INTO identity.account_roles (account_id, role, agency_code) SELECT id, @role, @agency FROM identity.accounts WHERE nin = @nin",
            new { role, agency, nin });
        return (nin, phone);
    }

    private async Task SignInAtAsync(IPage page, string path, string nin, string phone)
    {
        await page.GotoAsync(new Uri(portal.Address, path).ToString());
        await page.GetByLabel("Namba ya Utambulisho wa Taifa (NIN)").FillAsync(nin);
        await page.GetByLabel("Nenosiri", new() { Exact = true }).FillAsync("Mti-Mrefu-Wa-Mwembe");
        await page.GetByRole(AriaRole.Button, new() { Name = "Endelea" }).ClickAsync();
        await page.GetByLabel("Namba ya uthibitisho").FillAsync(await portal.SignInCodeAsync(phone));
        await Browser.ClickAndWaitForAsync(page, "Ingia", "**" + path);
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
