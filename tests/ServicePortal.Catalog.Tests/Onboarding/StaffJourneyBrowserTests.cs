using Microsoft.Playwright;

namespace ServicePortal.Catalog.Tests.Onboarding;

/// <summary>The catalogue's staff journeys on a real port.</summary>
public sealed class StaffJourneyFactory : OnboardingPortalFactory;

/// <summary>
/// The administrator's catalogue journeys walked in Chromium on a phone (360×740), in Kiswahili, from the header's staff
/// link, with axe on every page (nothing serious or critical) and nothing wider than the screen: suspending an agency,
/// and deciding proposals; each ends on a history that names the administrator ("na Emmanuel Kimaro, msimamizi wa lango
/// (e-GA)") while the record keeps the account id. One Chromium for the class, one context per journey.
/// </summary>
public sealed class StaffJourneyBrowserTests(StaffJourneyFactory portal, Browser browser)
    : IClassFixture<StaffJourneyFactory>, IClassFixture<Browser>
{
    private readonly Uri _address = portal.ServerAddress ??= portal.StartKestrel();

    private string Url(string path) => new Uri(_address, path).ToString();

    [Fact]
    public async Task An_administrator_finds_an_agency_suspends_it_after_confirming_and_the_history_names_them()
    {
        var agency = await portal.CreateAgencyAsync("approved");
        // Enough agencies for a second page of the list (25 a page).
        await portal.ExecuteAsync("""
            INSERT INTO catalog.agencies (code, short_name, name_sw, name_en, status)
            SELECT code, upper(code), 'Taasisi ' || code, 'Agency ' || code, 'draft'
              FROM (SELECT 'p' || substr(md5(random()::text), 1, 8) AS code FROM generate_series(1, 26)) c
            """);
        // Earlier rows: one by the agency's own system, one by a staff id the portal cannot name (an old record).
        await portal.ExecuteAsync("""
            INSERT INTO catalog.agency_history (agency_id, changed_by, change, after)
            SELECT id, unnest(ARRAY['agency:' || code, 'staff:1']), unnest(ARRAY['submitted', 'approved']), to_jsonb(a) - 'id'
              FROM catalog.agencies a WHERE code = @agency
            """, new { agency });
        var (page, accountId) = await SignedInAdministratorAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Kazi za watumishi" }).First.ClickAsync();
        await page.ArriveAsync("**/staff");
        await CheckAsync(page, "the staff home");
        await page.GetByRole(AriaRole.Link, new() { Name = "Taasisi zote", Exact = true }).ClickAsync();
        await page.ArriveAsync("**/admin/catalog/agencies");
        await CheckAsync(page, "the agency list");
        await page.GetByRole(AriaRole.Link, new() { Name = "Zinazofuata »" }).ClickAsync();
        await page.ArriveAsync(url => url.EndsWith("?page=2", StringComparison.Ordinal));
        Assert.Contains("ukurasa 2 kati ya", await page.InnerTextAsync("main p[role=status]"), StringComparison.Ordinal);

        await page.GetByLabel("Tafuta taasisi kwa jina au msimbo").FillAsync(agency);
        await page.GetByRole(AriaRole.Button, new() { Name = "Tafuta", Exact = true }).ClickAsync();
        await page.ArriveAsync(url => url.Contains("q=" + agency, StringComparison.Ordinal));
        await CheckAsync(page, "the agency list, searched");
        await page.Locator($"ul.results a[href='/admin/catalog/agencies/{agency}']").ClickAsync();
        await page.ArriveAsync("**/admin/catalog/agencies/" + agency);
        var history = await page.InnerTextAsync("ol.results");
        Assert.Contains($"na taasisi {agency.ToUpperInvariant()} (kupitia mfumo wake)", history, StringComparison.Ordinal);
        Assert.Contains("na mtumishi (namba 1)", history, StringComparison.Ordinal);
        await CheckAsync(page, "the agency page");

        await page.GetByLabel("Sababu ya kusitisha (taasisi itaiona)").FillAsync("Ukaguzi wa usalama unaendelea.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Endelea kusitisha" }).ClickAsync();
        await page.Locator("h1:has-text('Una uhakika unataka kusitisha')").WaitForAsync();
        await CheckAsync(page, "the confirmation page");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ndiyo, sitisha taasisi" }).ClickAsync();
        await page.ArriveAsync(url => url.Contains("done=suspended", StringComparison.Ordinal));

        var newest = page.Locator("ol.results > li").First;
        Assert.StartsWith("Imesitishwa", await newest.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("na Emmanuel Kimaro, msimamizi wa lango (e-GA)", await newest.Locator(".changed-by").InnerTextAsync());
        await CheckAsync(page, "the agency page after suspending");
        await Browser.ScreenshotAsync(page, "catalog-admin-history-sw-360");
        // The record keeps the id; the name is only what the page shows.
        Assert.Equal("staff:" + accountId, await portal.ScalarAsync<string>("""
            SELECT h.changed_by FROM catalog.agency_history h JOIN catalog.agencies a ON a.id = h.agency_id
             WHERE a.code = @agency AND h.change = 'suspended'
            """, new { agency }));

        await page.GotoAsync(Url($"/admin/catalog/agencies/{agency}?lang=en"));
        Assert.Equal("by Emmanuel Kimaro, portal administrator (e-GA)", await page.Locator("ol.results > li .changed-by").First.InnerTextAsync());
        Assert.Contains("by staff member (1)", await page.InnerTextAsync("ol.results"), StringComparison.Ordinal);
        await CheckAsync(page, "the agency page in English");
    }

    [Fact]
    public async Task An_administrator_approves_one_proposal_and_rejects_another_and_both_histories_name_them()
    {
        var (agency, approved, rejected) = await TwoProposalsAsync();
        var (page, _) = await SignedInAdministratorAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Kazi za watumishi" }).First.ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Idhini ya orodha ya huduma" }).ClickAsync();
        await page.ArriveAsync("**/admin/catalog");
        await CheckAsync(page, "the approval queue");

        // Approve: the field-by-field table stacked on the phone, then the queue says what was done and where its history is.
        await page.GetByRole(AriaRole.Link, new() { Name = approved, Exact = true }).ClickAsync();
        await page.ArriveAsync("**/admin/catalog/services/" + approved);
        Assert.Equal("block", await page.Locator("table.changes tbody tr").First.EvaluateAsync<string>("e => getComputedStyle(e).display"));
        await CheckAsync(page, "the review page");
        await page.GetByRole(AriaRole.Button, new() { Name = "Idhinisha na uchapishe" }).ClickAsync();
        await page.ArriveAsync(url => url.Contains("done=approved", StringComparison.Ordinal));
        Assert.Contains($"Pendekezo {approved} limeidhinishwa.", await page.InnerTextAsync(".notice"), StringComparison.Ordinal);
        await CheckAsync(page, "the queue after approving");
        await page.GetByRole(AriaRole.Link, new() { Name = "Historia ya taasisi hii" }).ClickAsync();
        await page.ArriveAsync(url => url.EndsWith($"/admin/catalog/agencies/{agency}#history", StringComparison.Ordinal));
        var row = page.Locator("ol.results > li", new() { HasText = "huduma " + approved }).First;
        Assert.StartsWith("Imeidhinishwa", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("na Emmanuel Kimaro, msimamizi wa lango (e-GA)", await row.Locator(".changed-by").InnerTextAsync());
        await CheckAsync(page, "the agency's history");

        // Reject: the reason, the confirmation, then the proposal (back with the agency as a draft) shows the decision.
        await page.GotoAsync(Url("/admin/catalog"));
        await page.GetByRole(AriaRole.Link, new() { Name = rejected, Exact = true }).ClickAsync();
        await page.GetByLabel("Sababu ya kukataa (taasisi itaiona)").FillAsync("Ada haijaelezwa kwa Kiingereza.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Endelea kukataa" }).ClickAsync();
        await page.Locator("h1:has-text('Una uhakika unataka kukataa huduma')").WaitForAsync();
        await CheckAsync(page, "the rejection's confirmation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ndiyo, kataa pendekezo" }).ClickAsync();
        await page.ArriveAsync(url => url.Contains("done=rejected", StringComparison.Ordinal));
        await CheckAsync(page, "the queue after rejecting");
        await page.GotoAsync(Url("/admin/catalog/services/" + rejected));
        var decision = page.Locator("ol.results > li").First;
        var words = await decision.InnerTextAsync();
        Assert.StartsWith("Imekataliwa", words, StringComparison.Ordinal);
        Assert.Contains("Ada haijaelezwa kwa Kiingereza.", words, StringComparison.Ordinal);
        Assert.Equal("na Emmanuel Kimaro, msimamizi wa lango (e-GA)", await decision.Locator(".changed-by").InnerTextAsync());
        await CheckAsync(page, "the rejected proposal with its history");
    }

    /// <summary>Changes proposed to two published services of one seeded agency, as the onboarding API would leave them.</summary>
    private async Task<(string Agency, string First, string Second)> TwoProposalsAsync()
    {
        // The seeded agency with the most published services that have no form (their pages stay short).
        var codes = await portal.QueryAsync<(string Agency, string Code)>("""
            WITH candidates AS (
                SELECT a.code AS agency, s.code FROM catalog.services s JOIN catalog.agencies a ON a.id = s.agency_id
                 WHERE s.status = 'published' AND s.form_schema IS NULL AND a.status = 'approved'
                   AND NOT EXISTS (SELECT 1 FROM catalog.proposals p WHERE p.key = s.code)),
                 busiest AS (SELECT agency FROM candidates GROUP BY agency ORDER BY count(*) DESC, agency LIMIT 1)
            SELECT agency, code FROM candidates WHERE agency = (SELECT agency FROM busiest) ORDER BY code LIMIT 2
            """);
        Assert.Equal(2, codes.Count);
        foreach (var (_, code) in codes)
        {
            await portal.ExecuteAsync("""
                INSERT INTO catalog.proposals (kind, agency_id, key, body, status, submitted_at)
                SELECT 'service', s.agency_id, s.code,
                       catalog.service_snapshot(s.id) - 'status' - 'created_at' - 'updated_at' - 'published_at' - 'version'
                       || jsonb_build_object('cost_tzs', coalesce(s.cost_tzs, 0) + 1000),
                       'awaiting_approval', now()
                  FROM catalog.services s WHERE s.code = @code
                """, new { code });
        }

        return (codes[0].Agency, codes[0].Code, codes[1].Code);
    }

    private async Task<(IPage Page, Guid AccountId)> SignedInAdministratorAsync()
    {
        var (nin, phone) = await portal.CreateStaffAsync("administrator");
        var accountId = await portal.ScalarAsync<Guid>(
            "UPDATE identity.accounts SET first_name = 'Emmanuel', last_name = 'Kimaro' WHERE nin = @nin RETURNING id", new { nin });
        var page = await browser.NewPageAsync(360, 740);
        await page.GotoAsync(Url("/account/sign-in"));
        await page.GetByLabel("Namba ya Utambulisho wa Taifa (NIN)").FillAsync(nin);
        await page.GetByLabel("Nenosiri", new() { Exact = true }).FillAsync(OnboardingPortalFactory.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Endelea", Exact = true }).ClickAsync();
        await page.ArriveAsync("**/account/sign-in/code**");
        await page.GetByLabel("Namba ya uthibitisho", new() { Exact = true }).FillAsync(await portal.SignInCodeAsync(phone));
        // A sign-in that never arrives reports the page it stayed on and the portal's last log lines.
        await Browser.ClickAndWaitForAsync(page, "Ingia", "**/account", () => portal.Logs.Recent());
        return (page, accountId);
    }

    /// <summary>Axe finds nothing serious or critical, and nothing is wider than the phone's screen.</summary>
    internal static async Task CheckAsync(IPage page, string what)
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
