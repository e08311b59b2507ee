using System.Net;
using System.Text.RegularExpressions;
using OtpNet;

namespace ServicePortal.Identity.Tests;

/// <summary>The authenticator app, the staff door and connected services, as a signed-in person uses them.</summary>
public sealed partial class AccountSettingsTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    private const string Password = "Mti-Mrefu-Wa-Mwembe";

    [Fact]
    public async Task Enrols_an_authenticator_app_then_signs_in_with_it_and_a_code_cannot_be_replayed()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        using var browser = portal.CreateFormClient();
        await SignInWithSmsAsync(browser, nin, phone);

        var enrolment = await browser.GetAsync("/account/authenticator");
        Assert.True(enrolment.StatusCode == HttpStatusCode.OK, browser.LastPage[..Math.Min(3000, browser.LastPage.Length)]);
        Assert.Contains("data:image/svg+xml;base64,", WebUtility.HtmlDecode(browser.LastPage), StringComparison.Ordinal);
        var secret = SecretOnPage().Match(browser.LastPage).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal);
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        var wrong = await browser.SubmitLoadedFormAsync("/account/authenticator?handler=Enable",
            new Dictionary<string, string?> { ["Sealed"] = SealedOnPage().Match(browser.LastPage).Groups[1].Value, ["Code"] = "000000" });
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("Namba si sahihi", browser.LastPage, StringComparison.Ordinal);
        var enabled = await browser.SubmitLoadedFormAsync("/account/authenticator?handler=Enable",
            new Dictionary<string, string?> { ["Sealed"] = System.Net.WebUtility.HtmlDecode(SealedOnPage().Match(browser.LastPage).Groups[1].Value), ["Code"] = totp.ComputeTotp() });
        Assert.Equal(HttpStatusCode.Redirect, enabled.StatusCode);
        await browser.SubmitAsync("/account/sign-out", new Dictionary<string, string?>());

        // Next sign-in: no SMS is sent; the app's code is asked for.
        var smsBefore = await portal.CountAsync("SELECT count(*) FROM portal.outbox_messages WHERE recipient = @phone", new { phone });
        await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = Password });
        await browser.GetAsync("/account/sign-in/code");
        Assert.Contains("programu yako ya uthibitisho", browser.LastPage, StringComparison.Ordinal);
        Assert.Equal(smsBefore, await portal.CountAsync("SELECT count(*) FROM portal.outbox_messages WHERE recipient = @phone", new { phone }));

        // The code used at enrolment is spent; the app's next code (one step of drift is allowed) works.
        var code = totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30));
        var done = await browser.SubmitAsync("/account/sign-in/code", new Dictionary<string, string?> { ["Code"] = code });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);

        using var other = portal.CreateFormClient();
        await other.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = Password });
        var replay = await other.SubmitAsync("/account/sign-in/code", new Dictionary<string, string?> { ["Code"] = code });
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Contains("Namba si sahihi", other.LastPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_citizen_cannot_open_the_staff_area_and_staff_can_after_the_second_factor()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var (staffNin, staffPhone) = await portal.CreateAccountAsync(Password);
        using var browser = portal.CreateFormClient();
        await SignInWithSmsAsync(browser, nin, phone);

        var citizen = await browser.GetAsync("/staff");
        Assert.Equal(HttpStatusCode.Forbidden, citizen.StatusCode);
        Assert.Contains("Huna ruhusa", browser.LastPage, StringComparison.Ordinal);

        await portal.CountAsync(
            "WITH a AS (SELECT id FROM identity.accounts WHERE nin = @nin) " +
            "INSERT INTO identity.account_roles (account_id, role) SELECT id, 'helpdesk_agent' FROM a RETURNING 1", new { nin = staffNin });
        using var staff = portal.CreateFormClient();
        await SignInWithSmsAsync(staff, staffNin, staffPhone);
        var door = await staff.GetAsync("/staff");
        Assert.Equal(HttpStatusCode.OK, door.StatusCode);
        Assert.Contains("Mhudumu wa dawati la msaada", staff.LastPage, StringComparison.Ordinal);
        Assert.DoesNotContain("helpdesk_agent", staff.LastPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connected_services_lists_nothing_for_a_new_account()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        using var browser = portal.CreateFormClient();
        await SignInWithSmsAsync(browser, nin, phone);

        var page = await browser.GetAsync("/account/services");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Hakuna huduma iliyounganishwa", browser.LastPage, StringComparison.Ordinal);
    }

    private async Task SignInWithSmsAsync(FormClient browser, string nin, string phone)
    {
        await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = Password });
        var done = await browser.SubmitAsync("/account/sign-in/code",
            new Dictionary<string, string?> { ["Code"] = await portal.SignInCodeAsync(phone) });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
    }

    [GeneratedRegex("<code class=\"secret\">([A-Z2-7 ]+)</code>")]
    private static partial Regex SecretOnPage();

    [GeneratedRegex("name=\"Sealed\" value=\"([^\"]+)\"")]
    private static partial Regex SealedOnPage();
}
