using System.Net;
using static ServicePortal.Identity.Tests.LockoutTests;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// The owner of a NIN that strangers have locked, on a browser new to the account, is not kept out for two hours: a
/// code by SMS to the account's registered phone unlocks that browser (as login.gov's locked-account flow), and
/// they then sign in as usual. The stranger stays locked, and an unknown NIN gets the same pages and no SMS.
/// </summary>
public sealed class UnlockTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    private const string Password = "Mti-Mrefu-Wa-Mwembe";

    [Fact]
    public async Task The_owner_on_a_new_browser_unlocks_it_by_an_SMS_code_to_the_accounts_phone_then_signs_in()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        using var stranger = portal.CreateFormClient();
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            await stranger.SubmitAsync("/account/sign-in", Credentials(nin, $"guess-{attempt}"));
        }

        using var owner = portal.CreateFormClient();
        await owner.SubmitAsync("/account/sign-in", Credentials(nin, Password));
        Assert.Contains("kumesitishwa", ErrorSummary(owner.LastPage), StringComparison.Ordinal);

        var (sent, url) = await owner.PressAsync("/account/sign-in", "Tuma namba ya kufungua");
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        url = await owner.FollowAsync(sent, url);
        Assert.StartsWith("/account/sign-in/unlock", url, StringComparison.Ordinal);
        var (unlocked, _) = await owner.FillAndPostAsync(url, "Code", await portal.LatestCodeAsync(phone));
        Assert.Equal(HttpStatusCode.Redirect, unlocked.StatusCode);
        Assert.StartsWith("/account/sign-in", unlocked.Headers.Location!.OriginalString, StringComparison.Ordinal);

        var afterPassword = await owner.SubmitAsync("/account/sign-in", Credentials(nin, Password));
        Assert.True(afterPassword.StatusCode == HttpStatusCode.Redirect, "The owner was kept out: " + ErrorSummary(owner.LastPage));
        var done = await owner.SubmitAsync("/account/sign-in/code", new Dictionary<string, string?> { ["Code"] = await portal.LatestCodeAsync(phone) });
        Assert.Equal("/account", done.Headers.Location!.OriginalString);

        // The stranger's browser is still locked.
        await stranger.SubmitAsync("/account/sign-in", Credentials(nin, Password));
        Assert.Contains("kumesitishwa", ErrorSummary(stranger.LastPage), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_unlock_code_unlocks_nothing_and_an_unknown_NIN_gets_the_same_pages_and_no_SMS()
    {
        var (known, phone) = await portal.CreateAccountAsync(Password);
        var unknown = UnknownNin();
        var pages = new List<string>();
        foreach (var nin in new[] { known, unknown })
        {
            using var browser = portal.CreateFormClient();
            for (var attempt = 1; attempt <= 6; attempt++)
            {
                await browser.SubmitAsync("/account/sign-in", Credentials(nin, $"guess-{attempt}"));
            }

            var (sent, url) = await browser.PressAsync("/account/sign-in", "Tuma namba ya kufungua");
            url = await browser.FollowAsync(sent, url);
            var (wrong, _) = await browser.FillAndPostAsync(url, "Code", "000000");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            pages.Add(ErrorSummary(browser.LastPage));

            await browser.SubmitAsync("/account/sign-in", Credentials(nin, Password));
            Assert.Contains("kumesitishwa", ErrorSummary(browser.LastPage), StringComparison.Ordinal);
        }

        Assert.Equal(pages[0], pages[1]);
        Assert.Contains("Namba si sahihi", pages[0], StringComparison.Ordinal);
        Assert.Equal(2, await portal.CountAsync("SELECT count(*) FROM portal.outbox_messages WHERE recipient = @phone", new { phone })); // the lock's notice, the unlock code
    }
}
