using Microsoft.Playwright;

namespace ServicePortal.Catalog.Tests.Onboarding;

/// <summary>The administrator's catalogue pages on a real port, in Debian's Chromium.</summary>
public sealed class AdminBrowserFactory : OnboardingPortalFactory;

public sealed class AdminBrowserTests : IClassFixture<AdminBrowserFactory>, IClassFixture<Browser>
{
    private readonly Browser _browser;
    private readonly AdminBrowserFactory _portal;
    private readonly Uri _address;

    public AdminBrowserTests(AdminBrowserFactory portal, Browser browser)
    {
        _browser = browser;
        ArgumentNullException.ThrowIfNull(portal);
        _portal = portal;
        _address = portal.ServerAddress ??= portal.StartKestrel();
    }

    private string Url(string path) => new Uri(_address, path).ToString();

    /// <summary>
    /// What the pages need: an agency asking to join, a suspended one with history, and a submitted change to a
    /// published seeded service (its name and cost changed), written as the onboarding API would write them.
    /// </summary>
    private async Task<(string Waiting, string Suspended, string Code)> ArrangeAsync()
    {
        var waiting = await _portal.CreateAgencyAsync("awaiting_approval");
        var suspended = await _portal.CreateAgencyAsync("approved");
        await _portal.ExecuteAsync("""
            WITH a AS (UPDATE catalog.agencies SET status = 'suspended', status_reason = @reason, status_changed_at = now()
                        WHERE code = @suspended RETURNING *)
            INSERT INTO catalog.agency_history (agency_id, changed_by, change, reason, before, after)
            SELECT a.id, 'staff:1', 'suspended', @reason, NULL, to_jsonb(a) - 'id' FROM a
            """, new { suspended, reason = "Uvujaji wa taarifa unachunguzwa." });
        // A service without a form: the page (and its screenshot) stays readable.
        var code = await _portal.ScalarAsync<string>("""
            SELECT code FROM catalog.services WHERE status = 'published' AND form_schema IS NULL ORDER BY code LIMIT 1
            """);
        await _portal.ExecuteAsync("""
            INSERT INTO catalog.proposals (kind, agency_id, key, body, status, submitted_at)
            SELECT 'service', s.agency_id, s.code,
                   catalog.service_snapshot(s.id) - 'status' - 'created_at' - 'updated_at' - 'published_at' - 'version'
                   || jsonb_build_object('name_sw', s.name_sw || ' (toleo jipya)', 'cost_tzs', coalesce(s.cost_tzs, 0) + 1500),
                   'awaiting_approval', now()
              FROM catalog.services s
             WHERE s.code = @code
            ON CONFLICT (key) WHERE kind = 'service' DO NOTHING
            """, new { code });
        return (waiting, suspended, code);
    }

    private async Task<IPage> SignedInAdministratorAsync(int width, int height = 740)
    {
        var (nin, phone) = await _portal.CreateStaffAsync("administrator");
        var page = await _browser.NewPageAsync(width: width, height: height);
        await page.GotoAsync(Url("/account/sign-in"));
        await page.GetByLabel("Namba ya Utambulisho wa Taifa (NIN)").FillAsync(nin);
        await page.GetByLabel("Nenosiri", new() { Exact = true }).FillAsync(OnboardingPortalFactory.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Endelea", Exact = true }).ClickAsync();
        await page.ArriveAsync("**/account/sign-in/code**");
        await page.GetByLabel("Namba ya uthibitisho", new() { Exact = true }).FillAsync(await _portal.SignInCodeAsync(phone));
        // A sign-in that never arrives reports the page it stayed on and the portal's last log lines.
        await Browser.ClickAndWaitForAsync(page, "Ingia", "**/account", () => _portal.Logs.Recent());
        return page;
    }

    private static async Task AssertAccessibleAndNarrowAsync(IPage page, string what)
    {
        var violations = await Browser.SeriousAccessibilityViolationsAsync(page);
        Assert.True(violations.Count == 0, what + Environment.NewLine + Browser.Describe(violations));
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        var width = page.ViewportSize!.Width;
        var wide = scrollWidth <= width ? "" : await page.EvaluateAsync<string>(
            "w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w)" +
            ".map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 40)).slice(0, 8).join(' | ')", width);
        Assert.True(scrollWidth <= width, $"{what} is {scrollWidth} px wide on a {width} px screen: {wide}");
    }

    [Fact]
    public async Task The_admin_pages_have_no_serious_accessibility_issue_and_fit_320_pixels()
    {
        var (waiting, suspended, code) = await ArrangeAsync();
        var page = await SignedInAdministratorAsync(width: 320, height: 640);

        foreach (var path in new[]
                 {
                     "/admin/catalog", "/admin/catalog/agencies", "/admin/catalog/agencies?status=suspended",
                     $"/admin/catalog/agencies/{waiting}", $"/admin/catalog/agencies/{suspended}",
                     $"/admin/catalog/services/{code}", $"/admin/catalog/services/{code}?lang=en",
                 })
        {
            var response = await page.GotoAsync(Url(path));
            Assert.True(response!.Ok, $"{path}: {response.Status}");
            await AssertAccessibleAndNarrowAsync(page, path);
        }

        // A refused decision: the message beside its field, still accessible (back in Kiswahili: ?lang=en stuck).
        await page.GotoAsync(Url($"/admin/catalog/agencies/{suspended}?lang=sw"));
        await page.Locator("#Reason").EvaluateAsync("e => e.removeAttribute('required')");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rejesha taasisi" }).ClickAsync();
        Assert.Contains("Andika sababu", await page.InnerTextAsync("#Reason-error"), StringComparison.Ordinal);
        Assert.Equal("Reason-error", await page.GetAttributeAsync("#Reason", "aria-describedby"));
        await AssertAccessibleAndNarrowAsync(page, "the agency page with an error");
    }

    [Fact]
    public async Task The_approval_pages_as_an_administrator_sees_them()
    {
        var (_, suspended, code) = await ArrangeAsync();
        var page = await SignedInAdministratorAsync(width: 1024, height: 768);

        await page.GotoAsync(Url($"/admin/catalog/services/{code}"));
        Assert.Contains("imebadilika", await page.InnerTextAsync("table.changes"), StringComparison.Ordinal);
        await Browser.ScreenshotAsync(page, "catalog-admin-approval-sw");

        await page.GotoAsync(Url($"/admin/catalog/agencies/{suspended}"));
        Assert.Equal("Imesitishwa", await page.InnerTextAsync("dl.facts dd strong"));
        await Browser.ScreenshotAsync(page, "catalog-admin-agency-sw");
    }

    [Fact]
    public async Task Staff_find_their_tools_from_the_header_and_suspending_asks_to_confirm_with_a_red_button()
    {
        var agency = await _portal.CreateAgencyAsync("approved");
        var page = await SignedInAdministratorAsync(width: 360, height: 740);

        // The staff home, from the header: the role in plain words, its tools, and what is not built yet.
        await page.GetByRole(AriaRole.Link, new() { Name = "Kazi za watumishi" }).First.ClickAsync();
        await page.ArriveAsync("**/staff");
        Assert.Equal("Msimamizi wa lango (e-GA)", await page.InnerTextAsync("main h2"));
        Assert.Equal("/admin/catalog", await page.GetByRole(AriaRole.Link, new() { Name = "Idhini ya orodha ya huduma" }).GetAttributeAsync("href"));
        Assert.Equal("/admin/requests/sync", await page.GetByRole(AriaRole.Link, new() { Name = "Usawazishaji wa hali na taasisi" }).GetAttributeAsync("href"));
        Assert.DoesNotContain("administrator", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await AssertAccessibleAndNarrowAsync(page, "the staff home");
        await Browser.ScreenshotAsync(page, "staff-home-sw-360");

        // Suspending: the reason, "continue", then a confirmation page that says what happens, with a red button.
        await page.GotoAsync(Url($"/admin/catalog/agencies/{agency}"));
        await page.GetByLabel("Sababu ya kusitisha (taasisi itaiona)").FillAsync("Ukaguzi wa usalama unaendelea.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Endelea kusitisha" }).ClickAsync();
        Assert.StartsWith("Una uhakika unataka kusitisha", await page.InnerTextAsync("h1"), StringComparison.Ordinal);
        Assert.Equal("approved", await _portal.ScalarAsync<string>("SELECT status FROM catalog.agencies WHERE code = @agency", new { agency }));
        var confirm = page.GetByRole(AriaRole.Button, new() { Name = "Ndiyo, sitisha taasisi" });
        Assert.Equal("rgb(164, 22, 26)", await confirm.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        await AssertAccessibleAndNarrowAsync(page, "the confirmation page");
        await Browser.ScreenshotAsync(page, "catalog-admin-confirm-suspend-sw-360");

        await confirm.ClickAsync();
        Assert.Equal("Imesitishwa", await page.InnerTextAsync("dl.facts dd strong"));
        Assert.EndsWith(" EAT", await page.Locator("ol.results time").First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("suspended", await _portal.ScalarAsync<string>("SELECT status FROM catalog.agencies WHERE code = @agency", new { agency }));
    }

    [Fact]
    public async Task The_agency_list_is_searchable_and_paged_and_a_bad_page_number_shows_the_first_page()
    {
        var agency = await _portal.CreateAgencyAsync("approved");
        var page = await SignedInAdministratorAsync(width: 360, height: 740);

        var response = await page.GotoAsync(Url("/admin/catalog/agencies?page=abc"));
        Assert.Equal(200, response!.Status);
        await page.GetByLabel("Tafuta taasisi kwa jina au msimbo").FillAsync(agency);
        await page.GetByRole(AriaRole.Button, new() { Name = "Tafuta", Exact = true }).ClickAsync();
        Assert.Equal(1, await page.Locator($"ul.results a[href='/admin/catalog/agencies/{agency}']").CountAsync());
        Assert.Equal("Taasisi 1", await page.InnerTextAsync("main p[role=status]"));
        await AssertAccessibleAndNarrowAsync(page, "the agency list, searched");
    }
}
