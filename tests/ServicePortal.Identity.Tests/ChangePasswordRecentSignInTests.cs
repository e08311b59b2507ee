using System.Net;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// A borrowed session cannot change the password: like changing the authenticator app, it needs a sign-in with the
/// password and the second factor in the last five minutes. (Its own class: it moves the portal's clock.)
/// </summary>
public sealed class ChangePasswordRecentSignInTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    private const string Password = "Mti-Mrefu-Wa-Mwembe";
    private const string NewPassword = "Ndizi-Tamu-Za-Kagera";

    [Fact]
    public async Task A_session_signed_in_more_than_five_minutes_ago_must_sign_in_again_before_changing_the_password()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        using var browser = portal.CreateFormClient();
        await portal.SignInAsync(browser, nin, phone, Password);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/password")).StatusCode);
        var stamp = await StampAsync(nin);

        portal.Clock.Advance(TimeSpan.FromMinutes(6));
        var post = await browser.SubmitLoadedFormAsync("/account/password", new Dictionary<string, string?>
        {
            ["CurrentPassword"] = Password, ["Password"] = NewPassword, ["Confirm"] = NewPassword,
        });
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Equal("/account/sign-in?returnUrl=%2Faccount%2Fpassword", post.Headers.Location!.OriginalString);
        Assert.Equal(stamp, await StampAsync(nin));
        var page = await browser.GetAsync("/account/password");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/account/sign-in?returnUrl=%2Faccount%2Fpassword", page.Headers.Location!.OriginalString);

        // Signed in again (password and code), the page opens and the change is made.
        await portal.SignInAsync(browser, nin, phone, Password);
        var changed = await browser.SubmitAsync("/account/password", new Dictionary<string, string?>
        {
            ["CurrentPassword"] = Password, ["Password"] = NewPassword, ["Confirm"] = NewPassword,
        });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal("/account/password/done", changed.Headers.Location!.OriginalString);
        Assert.NotEqual(stamp, await StampAsync(nin));
    }

    private Task<Guid> StampAsync(string nin) =>
        portal.ScalarAsync<Guid>("SELECT security_stamp FROM identity.accounts WHERE nin = @nin", new { nin });
}
