using System.Net;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// Staff sign in at the highest level (issue 12): an authenticator app or a passkey. An SMS code alone (a SIM swap
/// away from a thief) gives a staff member a citizen's session, and the account page tells them what to set up.
/// </summary>
public sealed class StaffAssuranceTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    private const string Password = "Mti-Mrefu-Wa-Mwembe";

    [Fact]
    public async Task A_staff_member_signed_in_with_an_SMS_code_gets_no_staff_role_and_is_told_to_set_up_an_app_or_a_passkey()
    {
        var (nin, phone) = await StaffAsync("helpdesk_supervisor");
        using var browser = portal.CreateFormClient();
        await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = Password });
        var done = await browser.SubmitAsync("/account/sign-in/code",
            new Dictionary<string, string?> { ["Code"] = await portal.LatestCodeAsync(phone) });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/staff")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode);
        Assert.Contains("Watumishi lazima waingie kwa programu ya uthibitisho (authenticator) au passkey", browser.LastPage, StringComparison.Ordinal);
        Assert.Contains("href=\"/account/authenticator\"", browser.LastPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Kazi za watumishi", browser.LastPage, StringComparison.Ordinal);
        // A citizen's session, so a citizen's lifetime: the session row is not a staff one.
        Assert.Equal(12, await portal.ScalarAsync<int>(
            "SELECT round(extract(epoch FROM s.expires_at - s.created_at) / 3600)::int FROM identity.sessions s JOIN identity.accounts a ON a.id = s.account_id WHERE a.nin = @nin",
            new { nin }));
    }

    [Fact]
    public async Task A_staff_member_signed_in_with_an_authenticator_app_has_the_role()
    {
        var (nin, phone) = await StaffAsync("helpdesk_agent");
        using var browser = portal.CreateFormClient();
        await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = Password });
        var done = await browser.SubmitAsync("/account/sign-in/code",
            new Dictionary<string, string?> { ["Code"] = await portal.SignInCodeAsync(phone) });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/staff")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode);
        Assert.DoesNotContain("Watumishi lazima waingie", browser.LastPage, StringComparison.Ordinal);
    }

    private async Task<(string Nin, string Phone)> StaffAsync(string role)
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        await portal.ExecuteAsync(
            "INSERT INTO identity.account_roles (account_id, role) SELECT id, @role FROM identity.accounts WHERE nin = @nin", new { nin, role });
        return (nin, phone);
    }
}
