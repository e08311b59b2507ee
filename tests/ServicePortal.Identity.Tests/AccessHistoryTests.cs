using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ServicePortal.Core.Audit;
using ServicePortal.Core.Security;
using ServicePortal.Identity.OpenIdConnect;

namespace ServicePortal.Identity.Tests;

/// <summary>Test data for "who viewed my data": a staff access and an agency call, written by their real writers.</summary>
public static class AccessHistorySeed
{
    /// <summary>
    /// A RITA officer's lookup of the citizen (through Core's access log, as the helpdesk writes it) and a call to RITA
    /// under the citizen's RITA subject (through the gateway's own audit queue and writer).
    /// </summary>
    public static async Task SeedAsync(PortalFactory portal, Guid citizen, string reason, string subject, string endpoint)
    {
        await using (var dataSource = portal.Database.CreateDataSource())
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await AccessLog.RecordAsync(connection, null,
                new AccessLogEntry(citizen, Guid.NewGuid(), "agency_officer:rita", AccessAction.Lookup, subject, "complaint", reason),
                CancellationToken.None);
        }

        var agencySubject = await portal.Services.GetRequiredService<PairwiseSubjects>().ForAsync(citizen, "agency:rita", CancellationToken.None);
        portal.Services.GetRequiredService<IAgencyCallAudit>().Record(new AgencyCall(DateTimeOffset.UtcNow, Guid.NewGuid().ToString("N"),
            agencySubject, "rita", endpoint, "GET", "/status", 200, 5, 0, 10, IPAddress.Loopback));
    }
}

/// <summary>The page in Debian's Chromium at 360 px: readable, no serious accessibility issue.</summary>
public sealed class AccessHistoryBrowserTests(Browser browser) : IClassFixture<Browser>, IAsyncLifetime
{
    private readonly IdentityPortalFactory _portal = new();

    public async Task InitializeAsync() => await ((IAsyncLifetime)_portal).InitializeAsync();

    public async Task DisposeAsync() => await ((IAsyncLifetime)_portal).DisposeAsync();

    [Fact]
    public async Task The_citizen_reads_who_viewed_their_data_on_a_phone()
    {
        var address = _portal.ServerAddress ??= _portal.StartKestrel();
        var (nin, phone) = await _portal.CreateAccountAsync("Mti-Mrefu-Wa-Mwembe");
        var me = await _portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin = nin.Replace("-", "", StringComparison.Ordinal) });
        await AccessHistorySeed.SeedAsync(_portal, me, "Mwananchi alipiga simu kuuliza kuhusu cheti", "RITA-2026-000123", "cheti-cha-kuzaliwa");
        var page = await browser.NewPageAsync(width: 360);

        await page.GotoAsync(new Uri(address, "/account/sign-in").ToString());
        await page.GetByLabel("Namba ya Utambulisho wa Taifa (NIN)").FillAsync(nin);
        await page.GetByLabel("Nenosiri", new() { Exact = true }).FillAsync("Mti-Mrefu-Wa-Mwembe");
        await Browser.ClickAndWaitForAsync(page, "Endelea", "**/account/sign-in/code**");
        await page.GetByLabel("Namba ya uthibitisho", new() { Exact = true }).FillAsync(await _portal.LatestCodeAsync(phone));
        await page.GetByRole(AriaRole.Button, new() { Name = "Ingia", Exact = true }).ClickAsync();
        await page.ArriveAsync("**/account");
        await page.GetByRole(AriaRole.Link, new() { Name = "Nani ameangalia taarifa zangu" }).ClickAsync();
        await page.ArriveAsync("**/account/access-log");

        Assert.True(await page.InnerTextAsync("h1") == "Nani ameangalia taarifa zangu", _portal.Logs.Recent());
        var main = await page.InnerTextAsync("main");
        Assert.Contains("Afisa wa RITA", main, StringComparison.Ordinal);
        Assert.Contains("Mwananchi alipiga simu kuuliza kuhusu cheti", main, StringComparison.Ordinal);
        var violations = await Browser.SeriousAccessibilityViolationsAsync(page);
        Assert.True(violations.Count == 0, Browser.Describe(violations));
        await Browser.ScreenshotAsync(page, "account-access-log");
    }
}
