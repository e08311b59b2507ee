using System.Net;
using System.Text.RegularExpressions;
using OtpNet;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// A stolen session cannot swap the second factor: turning the authenticator app on or off needs a sign-in with the
/// password and the current second factor in the last five minutes, and turning it off needs, besides, a code the
/// app shows now. (Its own class: it moves the portal's clock.)
/// </summary>
public sealed partial class AuthenticatorChangeTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    private const string Password = "Mti-Mrefu-Wa-Mwembe";

    [Fact]
    public async Task A_session_signed_in_more_than_five_minutes_ago_must_sign_in_again_before_turning_the_app_on()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        using var thief = portal.CreateFormClient();
        await portal.SignInAsync(thief, nin, phone, Password);
        await thief.GetAsync("/account/authenticator");
        var totp = new Totp(Base32Encoding.ToBytes(SecretOnPage().Match(thief.LastPage).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal)));
        var sealedSecret = WebUtility.HtmlDecode(SealedOnPage().Match(thief.LastPage).Groups[1].Value);

        portal.Clock.Advance(TimeSpan.FromMinutes(6));
        var enable = await thief.SubmitLoadedFormAsync("/account/authenticator?handler=Enable", new Dictionary<string, string?>
        {
            ["Sealed"] = sealedSecret,
            ["Code"] = totp.ComputeTotp(portal.Clock.GetUtcNow().UtcDateTime),
        });
        var page = await thief.GetAsync("/account/authenticator");

        Assert.Equal("sms", await SecondFactorAsync(nin));
        Assert.Equal(HttpStatusCode.Redirect, enable.StatusCode);
        Assert.StartsWith("/account/sign-in", enable.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/account/sign-in?returnUrl=%2Faccount%2Fauthenticator", page.Headers.Location!.OriginalString, StringComparison.Ordinal);

        // The owner signs in again (password and SMS code): the page opens and the app can be turned on.
        await portal.SignInAsync(thief, nin, phone, Password);
        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync("/account/authenticator")).StatusCode);
        Assert.Contains("<code class=\"secret\">", thief.LastPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Turning_the_app_off_needs_a_code_it_shows_now_and_a_recent_sign_in()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        using var browser = portal.CreateFormClient();
        await portal.SignInAsync(browser, nin, phone, Password);
        await browser.GetAsync("/account/authenticator");
        var totp = new Totp(Base32Encoding.ToBytes(SecretOnPage().Match(browser.LastPage).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal)));
        var enabled = await browser.SubmitLoadedFormAsync("/account/authenticator?handler=Enable", new Dictionary<string, string?>
        {
            ["Sealed"] = WebUtility.HtmlDecode(SealedOnPage().Match(browser.LastPage).Groups[1].Value),
            ["Code"] = totp.ComputeTotp(portal.Clock.GetUtcNow().UtcDateTime),
        });
        Assert.Equal(HttpStatusCode.Redirect, enabled.StatusCode);
        Assert.Equal("totp", await SecondFactorAsync(nin));

        // Without a code (a session alone), nothing changes.
        await browser.GetAsync("/account/authenticator");
        var bare = await browser.SubmitLoadedFormAsync("/account/authenticator?handler=Disable", new Dictionary<string, string?>());
        Assert.Equal("totp", await SecondFactorAsync(nin));
        Assert.Equal(HttpStatusCode.OK, bare.StatusCode);
        Assert.Contains("Andika namba ya tarakimu 6", browser.LastPage, StringComparison.Ordinal); // asked for, not called wrong

        // With the app's next code (the one used to turn it on is spent), it is turned off.
        var next = totp.ComputeTotp(portal.Clock.GetUtcNow().UtcDateTime.AddSeconds(30));
        var off = await browser.SubmitLoadedFormAsync("/account/authenticator?handler=Disable", new Dictionary<string, string?> { ["Code"] = next });
        Assert.Equal(HttpStatusCode.Redirect, off.StatusCode);
        Assert.Equal("sms", await SecondFactorAsync(nin));
    }

    private Task<string> SecondFactorAsync(string nin) =>
        portal.ScalarAsync<string>("SELECT second_factor FROM identity.accounts WHERE nin = @nin", new { nin });

    [GeneratedRegex("<code class=\"secret\">([A-Z2-7 ]+)</code>")]
    private static partial Regex SecretOnPage();

    [GeneratedRegex("name=\"Sealed\" value=\"([^\"]+)\"")]
    private static partial Regex SealedOnPage();
}
