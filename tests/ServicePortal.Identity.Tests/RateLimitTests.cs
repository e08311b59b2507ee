using System.Net;

namespace ServicePortal.Identity.Tests;

/// <summary>The portal allowing three attempts per client network per minute (the test factory otherwise allows 1000).</summary>
public sealed class ThreeAttemptsPortalFactory : IdentityPortalFactory
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        With("Identity:AttemptsPerAddressPerMinute", "3");
    }
}

/// <summary>One test only: the attempts of every test in a class would count against the same address.</summary>
public sealed class RateLimitTests(ThreeAttemptsPortalFactory portal) : IClassFixture<ThreeAttemptsPortalFactory>
{
    [Fact]
    public async Task The_fourth_sign_in_attempt_in_a_minute_gets_429_with_Retry_After_and_reading_the_form_is_not_counted()
    {
        portal.Clock.MoveToStartOfNextWindow(TimeSpan.FromMinutes(1)); // the count is per minute, aligned on the clock
        using var browser = portal.CreateFormClient();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/sign-in")).StatusCode);
        }

        var fields = new Dictionary<string, string?> { ["Nin"] = "19880214-12345-67890-12", ["Password"] = "not-the-password" };
        for (var i = 1; i <= 3; i++)
        {
            var allowed = await browser.SubmitAsync("/account/sign-in", fields); // each fetches the form first
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            Assert.Contains("NIN au nenosiri si sahihi", browser.LastPage, StringComparison.Ordinal);
        }

        var refused = await browser.SubmitAsync("/account/sign-in", fields);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {refused.Headers.RetryAfter}");
        Assert.Contains("Maombi ni mengi mno", browser.LastPage, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"sw\">", browser.LastPage, StringComparison.Ordinal);
        // Reading still works while attempts are refused.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/sign-in")).StatusCode);
        var english = await browser.SubmitAsync("/account/sign-in?lang=en", fields);
        Assert.Equal(HttpStatusCode.TooManyRequests, english.StatusCode);
        Assert.Contains("Too many requests", browser.LastPage, StringComparison.Ordinal);
    }
}
