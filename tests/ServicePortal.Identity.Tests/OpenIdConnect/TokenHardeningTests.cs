using System.Buffers.Binary;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using ServicePortal.Identity.Accounts;
using ServicePortal.Identity.OpenIdConnect;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ServicePortal.Identity.Tests.OpenIdConnect;

/// <summary>
/// What a code or refresh token is worth after the person's circumstances change (a new password, a sign-out, "sign
/// out everywhere"), who may have the password-only level, the pairwise subject under concurrent first sign-ins, a
/// fresh sign-in asked for by <c>max_age</c>, and passwords hashed at an older cost.
/// </summary>
public sealed class TokenHardeningTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    private const string Password = "Mti-Mrefu-Wa-Mwembe";

    [Fact]
    public async Task A_refresh_token_is_refused_once_the_security_stamp_changes_even_if_nothing_revoked_it()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var (party, refresh, _) = await RefreshTokenAsync(nin, phone);

        // A new password written by any path (here directly, as a reset on another node that died before its
        // revocation ran would leave it): only the stamp tells.
        await portal.ExecuteAsync("UPDATE identity.accounts SET security_stamp = gen_random_uuid() WHERE nin = @nin", new { nin });

        var after = await party.TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh });
        Assert.Equal(HttpStatusCode.BadRequest, after.Status);
        Assert.Equal("invalid_grant", after.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_authorization_code_issued_before_a_new_password_is_refused()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var party = await RelyingParty.RegisterAsync(portal, ConsentTypes.Implicit);
        using var browser = RelyingParty.Browser(portal);
        var pkce = Pkce.Create();
        var code = await party.SignInAndAuthorizeAsync(browser, nin, phone, pkce, "openid offline_access");

        await portal.ExecuteAsync("UPDATE identity.accounts SET security_stamp = gen_random_uuid() WHERE nin = @nin", new { nin });

        var redeemed = await party.TokenAsync(new()
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = party.RedirectUri, ["code_verifier"] = pkce.Verifier,
        });
        Assert.Equal(HttpStatusCode.BadRequest, redeemed.Status);
        Assert.Equal("invalid_grant", redeemed.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Signing_out_ends_the_refresh_tokens_issued_from_that_session()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var (party, refresh, browser) = await RefreshTokenAsync(nin, phone);
        var rotated = await party.TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh });
        Assert.Equal(HttpStatusCode.OK, rotated.Status);

        using (browser)
        {
            await browser.SubmitAsync("/account/sign-out", new Dictionary<string, string?>());
        }

        var after = await party.TokenAsync(new()
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = rotated.Body.GetProperty("refresh_token").GetString()!,
        });
        Assert.Equal("invalid_grant", after.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Sign_out_everywhere_revokes_the_refresh_tokens_of_every_client_in_the_database()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var (partyA, refreshA, browserA) = await RefreshTokenAsync(nin, phone);
        var (partyB, refreshB, browserB) = await RefreshTokenAsync(nin, phone);
        browserA.Dispose();
        browserB.Dispose();
        using var account = portal.CreateFormClient();
        await portal.SignInAsync(account, nin, phone, Password);

        await account.SubmitAsync("/account?handler=EndAll", new Dictionary<string, string?>(), "/account");

        Assert.Equal("invalid_grant", (await partyA.TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshA }))
            .Body.GetProperty("error").GetString());
        Assert.Equal("invalid_grant", (await partyB.TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshB }))
            .Body.GetProperty("error").GetString());
        // Revoked in PostgreSQL, not only refused: no node can accept them again.
        Assert.Equal(0, await portal.CountAsync(
            """
            SELECT count(*) FROM identity.oidc_tokens t JOIN identity.pairwise_subjects s ON s.subject = t.subject
            JOIN identity.accounts a ON a.id = s.account_id
            WHERE a.nin = @nin AND t.type = 'refresh_token' AND t.status = 'valid'
            """, new { nin }));
    }

    [Fact]
    public async Task The_password_level_is_only_for_clients_configured_for_it_others_get_the_second_factor()
    {
        var (nin, _) = await portal.CreateAccountAsync(Password);
        var party = await RelyingParty.RegisterAsync(portal, ConsentTypes.Implicit);
        using var browser = RelyingParty.Browser(portal);
        var pkce = Pkce.Create();

        var start = await browser.GetAsync(party.AuthorizeUrl(pkce, acr: RelyingParty.Low));
        var returnUrl = RelyingParty.ReturnUrlOf(start);
        // Even with the level asked for by hand on the sign-in form.
        var response = await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string?>
        {
            ["Nin"] = nin, ["Password"] = Password, ["ReturnUrl"] = returnUrl, ["Level"] = "low",
        });
        for (var hop = 0; hop < 4 && response.Headers.Location is { } next && next.OriginalString.StartsWith('/') &&
                          !next.OriginalString.StartsWith("/account/sign-in/code", StringComparison.Ordinal); hop++)
        {
            response = await browser.GetAsync(next.OriginalString);
        }

        Assert.False(response.Headers.Location?.OriginalString.StartsWith(party.RedirectUri, StringComparison.Ordinal) == true,
            "a client not configured for the password level got a code for the password alone");
        Assert.StartsWith("/account/sign-in/code", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_first_sign_ins_get_one_pairwise_subject_and_never_fail()
    {
        var (nin, _) = await portal.CreateAccountAsync(Password);
        var accountId = await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });
        var subjects = portal.Services.GetRequiredService<PairwiseSubjects>();

        for (var round = 0; round < 25; round++)
        {
            var sector = "race-" + Guid.NewGuid().ToString("N")[..10];
            using var start = new ManualResetEventSlim();
            var calls = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                start.Wait();
                return await subjects.ForAsync(accountId, sector, CancellationToken.None);
            })).ToArray();
            start.Set();
            var results = await Task.WhenAll(calls);

            Assert.All(results, Assert.NotNull);
            Assert.Single(results.Distinct());
            Assert.Equal(results[0], await portal.ScalarAsync<string>(
                "SELECT subject FROM identity.pairwise_subjects WHERE account_id = @accountId AND sector = @sector", new { accountId, sector }));
        }
    }

    [Fact]
    public async Task Max_age_0_completes_after_one_fresh_sign_in_instead_of_asking_again()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var party = await RelyingParty.RegisterAsync(portal, ConsentTypes.Implicit);
        using var browser = RelyingParty.Browser(portal);
        await portal.SignInAsync(browser, nin, phone, Password); // an existing session, as most people have
        var pkce = Pkce.Create();

        var start = await browser.GetAsync(party.AuthorizeUrl(pkce, extra: "&max_age=0"));
        Assert.StartsWith("/account/sign-in", start.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var returnUrl = RelyingParty.ReturnUrlOf(start);
        await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = Password, ["ReturnUrl"] = returnUrl });
        var afterCode = await browser.SubmitAsync("/account/sign-in/code",
            new Dictionary<string, string?> { ["Code"] = await portal.LatestCodeAsync(phone), ["ReturnUrl"] = returnUrl });
        var back = await browser.GetAsync(afterCode.Headers.Location!.OriginalString);

        Assert.True(back.Headers.Location?.OriginalString.StartsWith(party.RedirectUri, StringComparison.Ordinal) == true,
            $"after a fresh sign-in the request went to {back.Headers.Location} instead of the client");
        var code = party.CodeOf(back);
        var tokens = await party.RedeemAsync(code, pkce);
        var id = new JsonWebToken(tokens.GetProperty("id_token").GetString());
        var authTime = DateTimeOffset.FromUnixTimeSeconds(long.Parse(id.GetClaim("auth_time").Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(authTime >= DateTimeOffset.FromUnixTimeSeconds(portal.Clock.GetUtcNow().ToUnixTimeSeconds() - 60));

        // A new request with max_age=0 a moment later asks for a fresh sign-in again.
        portal.Clock.Advance(TimeSpan.FromSeconds(2));
        var next = await browser.GetAsync(party.AuthorizeUrl(Pkce.Create(), extra: "&max_age=0"));
        Assert.StartsWith("/account/sign-in", next.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prompt_login_completes_after_one_fresh_sign_in_and_the_marker_cannot_be_forged()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var party = await RelyingParty.RegisterAsync(portal, ConsentTypes.Implicit);
        using var browser = RelyingParty.Browser(portal);
        await portal.SignInAsync(browser, nin, phone, Password);
        var pkce = Pkce.Create();

        // A session holder who makes up the marker is still sent to sign in.
        var forged = await browser.GetAsync(party.AuthorizeUrl(pkce, extra: "&prompt=login&portal_auth_seen=forged"));
        Assert.StartsWith("/account/sign-in", forged.Headers.Location!.OriginalString, StringComparison.Ordinal);

        var start = await browser.GetAsync(party.AuthorizeUrl(pkce, extra: "&prompt=login"));
        var returnUrl = RelyingParty.ReturnUrlOf(start);
        await browser.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = Password, ["ReturnUrl"] = returnUrl });
        var afterCode = await browser.SubmitAsync("/account/sign-in/code",
            new Dictionary<string, string?> { ["Code"] = await portal.LatestCodeAsync(phone), ["ReturnUrl"] = returnUrl });
        var back = await browser.GetAsync(afterCode.Headers.Location!.OriginalString);

        party.CodeOf(back);
    }

    [Fact]
    public async Task A_password_hashed_at_an_older_cost_is_rehashed_at_the_current_cost_on_the_next_sign_in()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var older = new PasswordHashing(Options.Create(new IdentityOptions { PasswordHashIterations = PortalFactory.TestHashIterations / 2 }));
        await portal.ExecuteAsync("UPDATE identity.accounts SET password_hash = @hash WHERE nin = @nin", new { hash = older.Hash(Password), nin });
        var stamp = await portal.ScalarAsync<Guid>("SELECT security_stamp FROM identity.accounts WHERE nin = @nin", new { nin });
        Assert.Equal((uint)PortalFactory.TestHashIterations / 2, await IterationsAsync(nin));

        using var browser = portal.CreateFormClient();
        await portal.SignInAsync(browser, nin, phone, Password);

        Assert.Equal((uint)PortalFactory.TestHashIterations, await IterationsAsync(nin));
        // Not a new password: the stamp, and so every session and token, stays.
        Assert.Equal(stamp, await portal.ScalarAsync<Guid>("SELECT security_stamp FROM identity.accounts WHERE nin = @nin", new { nin }));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode);
        using var again = portal.CreateFormClient();
        await portal.SignInAsync(again, nin, phone, Password);
    }

    private async Task<uint> IterationsAsync(string nin)
    {
        var hash = Convert.FromBase64String(await portal.ScalarAsync<string>("SELECT password_hash FROM identity.accounts WHERE nin = @nin", new { nin }));
        return BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(5));
    }

    /// <summary>A relying party's refresh token for the account, from a code flow in a browser of its own (returned, still signed in).</summary>
    private async Task<(RelyingParty Party, string Token, FormClient Browser)> RefreshTokenAsync(string nin, string phone)
    {
        var party = await RelyingParty.RegisterAsync(portal, ConsentTypes.Implicit);
        var browser = RelyingParty.Browser(portal);
        var pkce = Pkce.Create();
        var code = await party.SignInAndAuthorizeAsync(browser, nin, phone, pkce, "openid offline_access");
        var tokens = await party.RedeemAsync(code, pkce);
        return (party, tokens.GetProperty("refresh_token").GetString()!, browser);
    }
}
