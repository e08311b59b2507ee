using System.Net;
using System.Text.RegularExpressions;

namespace ServicePortal.Identity.Tests;

/// <summary>The portal on a real loopback port (Kestrel), so requests really run at the same time.</summary>
public sealed class KestrelIdentityPortalFactory : IdentityPortalFactory
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        With("Identity:AllowHttp", "true");
        ServerAddress = StartKestrel();
    }
}

/// <summary>
/// Many attempts at once get no more guesses than one at a time: each attempt is reserved in the NIN's count, in
/// one locked row, before its password or code is checked (a check of the lock, then the verification, then the
/// count would let every parallel attempt pass the check before any of them was counted).
/// </summary>
public sealed partial class ConcurrentAttemptTests(KestrelIdentityPortalFactory portal) : IClassFixture<KestrelIdentityPortalFactory>
{
    private const string Password = "Mti-Mrefu-Wa-Mwembe";

    [Fact]
    public async Task Twenty_wrong_passwords_at_once_for_one_NIN_get_at_most_five_wrong_answers_and_then_the_lock()
    {
        var (nin, _) = await portal.CreateAccountAsync(Password);
        using var browser = portal.CreateFormClient();
        await browser.GetAsync("/account/sign-in");
        var token = WebUtility.HtmlDecode(AntiforgeryToken().Match(browser.LastPage).Groups[1].Value);

        var pages = await Task.WhenAll(Enumerable.Range(1, 20).Select(async attempt =>
        {
            using var form = new FormUrlEncodedContent(
                [KeyValuePair.Create("Nin", nin), KeyValuePair.Create("Password", $"wrong-{attempt}"), KeyValuePair.Create("__af", token)]);
            using var response = await browser.Http.PostAsync("/account/sign-in", form);
            return LockoutTests.ErrorSummary(await response.Content.ReadAsStringAsync());
        }));

        var wrong = pages.Count(p => p.Contains("NIN au nenosiri si sahihi", StringComparison.Ordinal));
        var locked = pages.Count(p => p.Contains("kumesitishwa", StringComparison.Ordinal));
        Assert.True(wrong <= 5, $"{wrong} of 20 parallel guesses were answered 'wrong password' (at most 5 may be)");
        Assert.Equal(20, wrong + locked);

        // The lock holds: the right password is refused in this browser.
        await browser.SubmitAsync("/account/sign-in", LockoutTests.Credentials(nin, Password));
        Assert.Contains("kumesitishwa", LockoutTests.ErrorSummary(browser.LastPage), StringComparison.Ordinal);
        Assert.Equal(1, await portal.CountAsync(
            "SELECT count(*) FROM identity.sign_in_locks WHERE locked_until > now() AND nin_hash = sha256(convert_to('nin:' || @nin, 'UTF8'))",
            new { nin }));
    }

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
