using System.Net;

namespace ServicePortal.Identity.Tests.Session;

/// <summary>
/// A session ends after 15 idle minutes, and however busy after 12 hours (8 for staff). The portal's clock is
/// moved instead of waiting.
/// </summary>
public sealed class SessionExpiryTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    [Fact]
    public async Task A_session_ends_after_fifteen_idle_minutes_and_use_keeps_it_alive_until_then()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        using var browser = portal.CreateFormClient();
        await ServerSessionTests.SignInAsync(portal, browser, nin, phone);

        portal.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode);
        portal.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode);
        portal.Clock.Advance(TimeSpan.FromMinutes(16));

        var idle = await browser.GetAsync("/account");
        Assert.True(idle.StatusCode == HttpStatusCode.Redirect, $"/account still answered {(int)idle.StatusCode} after 16 idle minutes");
    }

    [Theory]
    [InlineData(false, 12)]
    [InlineData(true, 8)]
    public async Task A_session_in_use_ends_at_its_absolute_lifetime(bool staff, int hours)
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        if (staff)
        {
            await portal.ExecuteAsync(
                "INSERT INTO identity.account_roles (account_id, role) SELECT id, 'helpdesk_agent' FROM identity.accounts WHERE nin = @nin", new { nin });
        }

        using var browser = portal.CreateFormClient();
        await ServerSessionTests.SignInAsync(portal, browser, nin, phone);

        for (var elapsed = TimeSpan.FromMinutes(10); elapsed < TimeSpan.FromHours(hours); elapsed += TimeSpan.FromMinutes(10))
        {
            portal.Clock.Advance(TimeSpan.FromMinutes(10));
            var response = await browser.GetAsync("/account");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"The session ended early, after {elapsed}");
        }

        portal.Clock.Advance(TimeSpan.FromMinutes(11));
        var expired = await browser.GetAsync("/account");
        Assert.True(expired.StatusCode == HttpStatusCode.Redirect, $"/account still answered {(int)expired.StatusCode} after {hours} h");
    }
}
