using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.Tests.OpenIdConnect;
using ServicePortal.Identity.Tests.Session;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// After a change of password, phone or second factor every other session and every refresh token of the
/// account ends, and the phone the account had before the change is told by SMS.
/// </summary>
public sealed partial class SecurityChangeTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    [Fact]
    public async Task Turning_on_an_authenticator_app_ends_the_other_sessions_and_refresh_tokens_and_texts_the_phone()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        using var enrolling = portal.CreateFormClient();
        using var other = portal.CreateFormClient();
        await ServerSessionTests.SignInAsync(portal, enrolling, nin, phone);
        await ServerSessionTests.SignInAsync(portal, other, nin, phone);
        var refresh = await RefreshTokenAsync(nin, phone);

        await enrolling.GetAsync("/account/authenticator");
        var totp = new Totp(Base32Encoding.ToBytes(SecretOnPage().Match(enrolling.LastPage).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal)));
        var enabled = await enrolling.SubmitLoadedFormAsync("/account/authenticator?handler=Enable", new Dictionary<string, string?>
        {
            ["Sealed"] = WebUtility.HtmlDecode(SealedOnPage().Match(enrolling.LastPage).Groups[1].Value),
            ["Code"] = totp.ComputeTotp(),
        });
        Assert.Equal(HttpStatusCode.Redirect, enabled.StatusCode);

        await ServerSessionTests.AssertEndsAsync(other, "/account");
        Assert.Equal(HttpStatusCode.OK, (await enrolling.GetAsync("/account")).StatusCode); // the one that made the change stays
        Assert.Equal("invalid_grant", (await refresh.Party.TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh.Token }))
            .Body.GetProperty("error").GetString());
        Assert.Contains(await MessagesToAsync(phone), body => body.Contains("imebadilishwa", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_new_password_ends_every_session_and_refresh_token_and_texts_the_phone_in_its_language()
    {
        var (nin, phone) = await portal.CreateAccountAsync(language: "en");
        using var browser = portal.CreateFormClient();
        await ServerSessionTests.SignInAsync(portal, browser, nin, phone);
        var refresh = await RefreshTokenAsync(nin, phone);
        var id = await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });

        // What the password reset calls once the new password is committed.
        await portal.Services.GetRequiredService<IAccountEvents>().PasswordChangedAsync(id, CancellationToken.None);

        await ServerSessionTests.AssertEndsAsync(browser, "/account");
        Assert.Equal("invalid_grant", (await refresh.Party.TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh.Token }))
            .Body.GetProperty("error").GetString());
        Assert.Contains(await MessagesToAsync(phone), body => body.Contains("password", StringComparison.Ordinal) && body.Contains("helpdesk", StringComparison.Ordinal));
    }

    /// <summary>A relying party's refresh token for the account (a code flow in a browser of its own).</summary>
    private async Task<(RelyingParty Party, string Token)> RefreshTokenAsync(string nin, string phone)
    {
        var party = await RelyingParty.RegisterAsync(portal, ConsentTypes.Implicit);
        using var browser = RelyingParty.Browser(portal);
        var pkce = Pkce.Create();
        var code = await party.SignInAndAuthorizeAsync(browser, nin, phone, pkce, "openid offline_access");
        return (party, (await party.RedeemAsync(code, pkce)).GetProperty("refresh_token").GetString()!);
    }

    private async Task<IReadOnlyList<string>> MessagesToAsync(string phone)
    {
        await using var dataSource = portal.Database.CreateDataSource();
        return [.. (await Core.Messaging.Outbox.ListRecentAsync(dataSource, 20, phone, CancellationToken.None)).Select(m => m.Body)];
    }

    [GeneratedRegex("<code class=\"secret\">([A-Z2-7 ]+)</code>")]
    private static partial Regex SecretOnPage();

    [GeneratedRegex("name=\"Sealed\" value=\"([^\"]+)\"")]
    private static partial Regex SealedOnPage();
}
