using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.Identity.Accounts;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// Locking is neither a weapon nor an oracle: failures are counted per NIN whether or not it has an account,
/// and answered alike; a stranger's failures lock out browsers that never signed in to the account, never the
/// owner's own browser; the owner is told by SMS when a lock starts.
/// </summary>
public sealed class LockoutTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    private const string Password = "Mti-Mrefu-Wa-Mwembe";

    [Fact]
    public async Task An_unknown_NIN_and_a_known_one_get_the_same_answers_attempt_by_attempt_after_the_same_work()
    {
        var (known, _) = await portal.CreateAccountAsync(Password);
        var unknown = UnknownNin();
        portal.Clock.MoveToStartOfNextWindow(TimeSpan.FromMinutes(1)); // both locks end in the same minute
        using var first = portal.CreateFormClient();
        using var second = portal.CreateFormClient();
        var hashing = portal.Services.GetRequiredService<PasswordHashing>();

        for (var attempt = 1; attempt <= 8; attempt++)
        {
            var before = hashing.Verifications;
            var knownAnswer = await first.SubmitAsync("/account/sign-in", Credentials(known, $"wrong-password-{attempt}"));
            var afterKnown = hashing.Verifications;
            var unknownAnswer = await second.SubmitAsync("/account/sign-in", Credentials(unknown, $"wrong-password-{attempt}"));

            // The same answer, and the same work: one password hash verified for each, locked or not.
            Assert.Equal(1, afterKnown - before);
            Assert.Equal(1, hashing.Verifications - afterKnown);
            Assert.Equal(knownAnswer.StatusCode, unknownAnswer.StatusCode);
            Assert.Equal(ErrorSummary(first.LastPage), ErrorSummary(second.LastPage));
            Assert.Contains(attempt < 6 ? "NIN au nenosiri si sahihi" : "kumesitishwa", ErrorSummary(first.LastPage), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_strangers_wrong_passwords_do_not_keep_the_owner_out_of_a_browser_they_signed_in_on()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        using var owner = portal.CreateFormClient();
        await portal.SignInAsync(owner, nin, phone, Password);
        await owner.SubmitAsync("/account/sign-out", new Dictionary<string, string?>());

        using var stranger = portal.CreateFormClient();
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            await stranger.SubmitAsync("/account/sign-in", Credentials(nin, $"guess-{attempt}"));
        }

        Assert.Contains("kumesitishwa", stranger.LastPage, StringComparison.Ordinal);
        // The lock holds for the stranger even with the right password...
        await stranger.SubmitAsync("/account/sign-in", Credentials(nin, Password));
        Assert.Contains("kumesitishwa", stranger.LastPage, StringComparison.Ordinal);

        // ...while the owner, in the browser they signed in on before, still gets in.
        var afterPassword = await owner.SubmitAsync("/account/sign-in", Credentials(nin, Password));
        Assert.True(afterPassword.StatusCode == HttpStatusCode.Redirect, "The owner was kept out: " + ErrorSummary(owner.LastPage));
        var done = await owner.SubmitAsync("/account/sign-in/code", new Dictionary<string, string?> { ["Code"] = await portal.LatestCodeAsync(phone) });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("/account", done.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_owner_is_told_by_SMS_once_when_a_lock_starts()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password, language: "en");
        using var stranger = portal.CreateFormClient();

        for (var attempt = 1; attempt <= 9; attempt++)
        {
            await stranger.SubmitAsync("/account/sign-in", Credentials(nin, $"guess-{attempt}"));
        }

        await using var dataSource = portal.Database.CreateDataSource();
        var messages = await Core.Messaging.Outbox.ListRecentAsync(dataSource, 10, phone, CancellationToken.None);
        var notice = Assert.Single(messages);
        Assert.Contains("wrong", notice.Body, StringComparison.Ordinal);
        Assert.Contains("East Africa Time", notice.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_lock_of_unknown_browsers_ends_after_two_hours()
    {
        var (nin, _) = await portal.CreateAccountAsync(Password);
        using var stranger = portal.CreateFormClient();
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            await stranger.SubmitAsync("/account/sign-in", Credentials(nin, $"guess-{attempt}"));
        }

        Assert.Contains("kumesitishwa", stranger.LastPage, StringComparison.Ordinal);

        portal.Clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
        var right = await stranger.SubmitAsync("/account/sign-in", Credentials(nin, Password));

        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.StartsWith("/account/sign-in/code", right.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    internal static Dictionary<string, string?> Credentials(string nin, string password) => new() { ["Nin"] = nin, ["Password"] = password };

    /// <summary>A well-formed NIN nobody registered.</summary>
    internal static string UnknownNin() => "19880214" + string.Concat(Enumerable.Range(0, 12).Select(_ => Random.Shared.Next(10)));

    /// <summary>The error summary: what the page says went wrong (the typed NIN is echoed elsewhere).</summary>
    internal static string ErrorSummary(string page)
    {
        var start = page.IndexOf("<div class=\"error-summary\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return "(no error summary)";
        }

        var end = page.IndexOf("</div>", start, StringComparison.Ordinal);
        return page[start..end];
    }
}
