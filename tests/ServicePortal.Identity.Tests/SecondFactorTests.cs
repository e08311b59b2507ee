using System.Net;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.JsonWebTokens;
using OtpNet;
using ServicePortal.Identity.Tests.OpenIdConnect;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// The password-only level exists for one authorization request whose client asked for it, and for nothing
/// else: it never opens a portal page, the citizen API or the gateway, and it never resets the count of wrong
/// attempts.
/// </summary>
public sealed partial class SecondFactorTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    private const string Password = "Mti-Mrefu-Wa-Mwembe";

    [Fact]
    public async Task A_password_only_sign_in_aimed_at_the_authorize_endpoint_opens_no_portal_page()
    {
        var (nin, _) = await portal.CreateAccountAsync(Password);
        using var browser = portal.CreateFormClient();

        // The attack as reported: the password level asked for by hand, with a bare authorize address.
        await browser.SubmitAsync("/account/sign-in?level=low&returnUrl=%2Fconnect%2Fauthorize", new Dictionary<string, string?>
        {
            ["Nin"] = nin, ["Password"] = Password, ["Level"] = "low", ["ReturnUrl"] = "/connect/authorize",
        });

        foreach (var page in new[] { "/maombi", "/account" })
        {
            var response = await browser.GetAsync(page);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{page} answered {(int)response.StatusCode} after the password alone");
            Assert.StartsWith("/account/sign-in", response.Headers.Location!.PathAndQuery(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_password_level_gives_the_client_that_asked_a_code_with_acr_low_and_the_browser_no_session()
    {
        var (nin, _) = await portal.CreateAccountAsync(Password);
        var client = await RelyingParty.RegisterAsync(portal, passwordLevel: true);
        using var browser = RelyingParty.Browser(portal);
        var pkce = Pkce.Create();

        var start = await browser.GetAsync(client.AuthorizeUrl(pkce, acr: RelyingParty.Low));
        Assert.Contains("level=low", start.Headers.Location!.ToString(), StringComparison.Ordinal);
        var returnUrl = RelyingParty.ReturnUrlOf(start);
        var afterPassword = await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string?>
        {
            ["Nin"] = nin, ["Password"] = Password, ["ReturnUrl"] = returnUrl, ["Level"] = "low",
        });
        Assert.Equal(returnUrl, afterPassword.Headers.Location!.OriginalString);

        // Portal pages are closed to the password alone, even between the password and the code.
        var maombi = await browser.GetAsync("/maombi");
        Assert.True(maombi.StatusCode == HttpStatusCode.Redirect, $"/maombi answered {(int)maombi.StatusCode} after the password alone");

        await browser.GetAsync(returnUrl); // the consent page, this client asks for it
        var code = client.CodeOf(await RelyingParty.AcceptConsentAsync(browser));
        var tokens = await client.RedeemAsync(code, pkce);
        var id = new JsonWebToken(tokens.GetProperty("id_token").GetString());
        Assert.Equal(RelyingParty.Low, id.GetClaim("acr").Value);
        Assert.Equal(["pwd"], id.Claims.Where(c => c.Type == "amr").Select(c => c.Value));

        // And nothing is left behind in the browser: the account page and a second authorization ask again.
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/account")).StatusCode);
        var again = await browser.GetAsync(client.AuthorizeUrl(Pkce.Create(), acr: RelyingParty.Low));
        Assert.StartsWith("/account/sign-in", again.Headers.Location!.PathAndQuery(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alternating_password_only_sign_ins_and_wrong_authenticator_codes_reach_the_lock()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var secret = await EnrolAuthenticatorAsync(nin, phone);
        var client = await RelyingParty.RegisterAsync(portal, ConsentTypes.Implicit, passwordLevel: true);

        for (var attempt = 1; attempt <= 6; attempt++)
        {
            // A password-only sign-in for a client that asks for that level, which used to clear the count...
            using (var low = RelyingParty.Browser(portal))
            {
                var start = await low.GetAsync(client.AuthorizeUrl(Pkce.Create(), acr: RelyingParty.Low));
                var back = await low.SubmitAsync("/account/sign-in", new Dictionary<string, string?>
                {
                    ["Nin"] = nin, ["Password"] = Password, ["ReturnUrl"] = RelyingParty.ReturnUrlOf(start), ["Level"] = "low",
                });
                Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
            }

            // ...then a guess at the authenticator code.
            using var guesser = portal.CreateFormClient();
            await guesser.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = Password });
            await guesser.SubmitAsync("/account/sign-in/code", new Dictionary<string, string?> { ["Code"] = WrongCode(secret) });
            if (attempt < 6)
            {
                Assert.Contains("Namba si sahihi", guesser.LastPage, StringComparison.Ordinal);
            }
            else
            {
                Assert.True(guesser.LastPage.Contains("kumesitishwa", StringComparison.Ordinal),
                    "The sixth wrong code did not lock: " + ErrorSummary(guesser.LastPage));
            }
        }
    }

    [Fact]
    public async Task The_code_page_of_an_account_with_an_authenticator_app_sends_no_SMS_code_even_when_asked()
    {
        // 15d: a code by SMS for an account that signs in with an app would downgrade its second factor to the SIM.
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var secret = await EnrolAuthenticatorAsync(nin, phone);
        using var browser = portal.CreateFormClient();
        await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = Password });
        await browser.GetAsync("/account/sign-in/code");
        Assert.DoesNotContain("Tuma namba mpya", browser.LastPage, StringComparison.Ordinal);
        var texts = await portal.CountAsync("SELECT count(*) FROM portal.outbox_messages WHERE recipient = @phone", new { phone });
        await portal.ExecuteAsync( // a new code may be sent once a minute: the last one was sent a minute ago
            "UPDATE identity.one_time_codes SET created_at = created_at - interval '61 seconds' WHERE phone = @phone", new { phone });

        // The resend handler posted by hand, as an attacker with the password (and the victim's SIM) would.
        var resend = await browser.SubmitLoadedFormAsync("/account/sign-in/code?handler=Resend", new Dictionary<string, string?>());

        Assert.NotEqual(HttpStatusCode.InternalServerError, resend.StatusCode);
        Assert.Equal(texts, await portal.CountAsync("SELECT count(*) FROM portal.outbox_messages WHERE recipient = @phone", new { phone }));
        Assert.Equal(0, await portal.CountAsync(
            "SELECT count(*) FROM identity.one_time_codes WHERE phone = @phone AND purpose = 'sign_in' AND consumed_at IS NULL", new { phone }));

        // The app's code still signs in.
        await browser.GetAsync("/account/sign-in/code");
        var done = await browser.SubmitLoadedFormAsync("/account/sign-in/code", new Dictionary<string, string?> { ["Code"] = secret.ComputeTotp(DateTime.UtcNow.AddSeconds(30)) }); // the next step: the enrolment spent this one
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
    }

    /// <summary>Signs in with the SMS code and turns the authenticator app on; returns its secret.</summary>
    private async Task<Totp> EnrolAuthenticatorAsync(string nin, string phone)
    {
        using var browser = portal.CreateFormClient();
        await portal.SignInAsync(browser, nin, phone, Password);
        await browser.GetAsync("/account/authenticator");
        var secret = SecretOnPage().Match(browser.LastPage).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal);
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        var enabled = await browser.SubmitLoadedFormAsync("/account/authenticator?handler=Enable", new Dictionary<string, string?>
        {
            ["Sealed"] = WebUtility.HtmlDecode(SealedOnPage().Match(browser.LastPage).Groups[1].Value),
            ["Code"] = totp.ComputeTotp(),
        });
        Assert.Equal(HttpStatusCode.Redirect, enabled.StatusCode);
        return totp;
    }

    /// <summary>A code the app would not show in any step the portal accepts (one step of drift each way).</summary>
    private static string WrongCode(Totp totp)
    {
        var now = DateTime.UtcNow;
        var near = Enumerable.Range(-3, 7).Select(step => totp.ComputeTotp(now.AddSeconds(30 * step))).ToHashSet();
        return Enumerable.Range(0, 1000).Select(i => ((i * 7919 + 123456) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture))
            .First(code => !near.Contains(code));
    }

    private static string ErrorSummary(string page)
    {
        var start = page.IndexOf("<main", StringComparison.Ordinal);
        return start < 0 ? page[..Math.Min(page.Length, 2000)] : page[start..Math.Min(page.Length, start + 2000)];
    }

    [GeneratedRegex("<code class=\"secret\">([A-Z2-7 ]+)</code>")]
    private static partial Regex SecretOnPage();

    [GeneratedRegex("name=\"Sealed\" value=\"([^\"]+)\"")]
    private static partial Regex SealedOnPage();
}
