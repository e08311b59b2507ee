using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.Identity.OneTimeCodes;
using static ServicePortal.Identity.Tests.RegistrationSteps;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// The per-NIN and per-phone limits of proving who you are: they hold across restarts and across nodes (the counts
/// are in PostgreSQL). Tests in this class share one database, so each uses a person of its own.
/// </summary>
public sealed class RegistrationLimitTests(RegistryPortalFactory portal) : IClassFixture<RegistryPortalFactory>
{
    private const string WrongAnswer = "Dodoma";

    [Fact]
    public async Task Restarting_gives_no_fresh_answers_once_the_days_wrong_answers_are_spent_on_any_node()
    {
        var baraka = Person("Baraka");
        using var browser = portal.CreateFormClient();

        // Two verifications of three wrong answers each: six wrong answers to the registry's questions today.
        for (var round = 0; round < 2; round++)
        {
            var started = await browser.SubmitAsync("/account/register", Details(baraka, "0754 100 104"));
            Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
            for (var i = 0; i < 3; i++)
            {
                await browser.SubmitAsync("/account/register/question", new Dictionary<string, string?> { ["Answer"] = WrongAnswer });
            }
        }

        var again = await browser.SubmitAsync("/account/register", Details(baraka, "0754 100 104"));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("Jaribu tena baada ya saa", ErrorSummary(browser.LastPage), StringComparison.Ordinal);
        Assert.Contains("(saa za Afrika Mashariki)", ErrorSummary(browser.LastPage), StringComparison.Ordinal);
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.registrations WHERE nin = @nin", new { nin = Digits(baraka.Nin) }));

        // In English, and the reset of a password is the same verification of the same person.
        using var english = portal.CreateFormClient();
        await english.SubmitAsync("/account/forgot-password?lang=en", Details(baraka, "0754 100 104"));
        Assert.Contains("Try again after", ErrorSummary(english.LastPage), StringComparison.Ordinal);
        Assert.Contains("(East Africa Time)", ErrorSummary(english.LastPage), StringComparison.Ordinal);

        // Another node of the portal, sharing the database, refuses it too.
        await using var otherNode = portal.WithWebHostBuilder(builder =>
            builder.UseSetting("Identity:Issuer", portal.ServerAddress!.ToString()));
        using var elsewhere = new FormClient(otherNode.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://localhost"), // the portal's cookies are Secure
            AllowAutoRedirect = false,
            HandleCookies = true,
        }));
        var onOtherNode = await elsewhere.SubmitAsync("/account/register", Details(baraka, "0754 100 104"));
        Assert.Equal(HttpStatusCode.OK, onOtherNode.StatusCode);
        Assert.Contains("Jaribu tena baada ya saa", ErrorSummary(elsewhere.LastPage), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sixth_verification_of_a_NIN_in_a_day_is_refused()
    {
        var juma = Person("Juma");
        for (var i = 0; i < 5; i++)
        {
            using var attempt = portal.CreateFormClient();
            var started = await attempt.SubmitAsync("/account/register", Details(juma, "0754 100 102"));
            Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        }

        using var browser = portal.CreateFormClient();
        var sixth = await browser.SubmitAsync("/account/register", Details(juma, "0754 100 102"));

        Assert.Equal(HttpStatusCode.OK, sixth.StatusCode);
        Assert.Contains("Jaribu tena baada ya saa", ErrorSummary(browser.LastPage), StringComparison.Ordinal);
    }

    [Fact]
    public async Task At_most_five_codes_an_hour_go_to_one_phone_whatever_they_are_for()
    {
        var codes = portal.Services.GetRequiredService<OneTimeCodeService>();
        const string phone = "+255754900001";

        // Different subjects (several sign-ins and registrations), so the once-a-minute resend rule plays no part.
        var issued = new List<CodeIssue>();
        for (var i = 0; i < 6; i++)
        {
            var purpose = i % 2 == 0 ? "sign_in" : "register";
            issued.Add(await codes.IssueAsync($"test:{Guid.NewGuid()}", purpose, phone, "sw", CancellationToken.None));
        }

        Assert.All(issued.Take(5), issue => Assert.True(issue.Sent));
        Assert.False(issued[5].Sent, "the sixth code in an hour was sent");
        Assert.True(issued[5].RetryAfter > TimeSpan.Zero);
        Assert.Equal(5, await portal.CountAsync("SELECT count(*) FROM portal.outbox_messages WHERE recipient = @phone", new { phone }));
    }

    [Fact]
    public async Task A_registration_says_when_the_chosen_phone_has_had_its_codes_for_the_hour()
    {
        var fatuma = Person("Fatuma");
        var codes = portal.Services.GetRequiredService<OneTimeCodeService>();
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await codes.IssueAsync($"test:{Guid.NewGuid()}", "sign_in", fatuma.Phones[0], "sw", CancellationToken.None)).Sent);
        }

        using var browser = portal.CreateFormClient();
        await browser.ProveIdentityAsync(fatuma);
        var chosen = await browser.SubmitAsync("/account/register/phone", new Dictionary<string, string?> { ["Choice"] = "0" });

        Assert.Equal(HttpStatusCode.OK, chosen.StatusCode);
        Assert.Contains("Tumetuma namba nyingi mno kwa simu hii. Jaribu tena baada ya saa", ErrorSummary(browser.LastPage), StringComparison.Ordinal);
        Assert.Equal(5, await portal.CountAsync("SELECT count(*) FROM portal.outbox_messages WHERE recipient = @phone", new { phone = fatuma.Phones[0] }));
        var code = await browser.GetAsync("/account/register/code");
        Assert.Equal(HttpStatusCode.Redirect, code.StatusCode); // no number chosen: the code step stays closed
    }

    [Fact]
    public async Task Starts_for_a_NIN_are_counted_before_the_registry_is_asked_whatever_it_answers()
    {
        // The registry must not be hammered through the portal: details that do not match cost a start too, and once
        // the day's starts are spent the registry is not asked at all (so even the right details are refused).
        var neema = Person("Neema");
        var misspelt = Details(neema);
        misspelt["FirstName"] = "Neemah";
        for (var i = 0; i < 5; i++)
        {
            using var attempt = portal.CreateFormClient();
            await attempt.SubmitAsync("/account/register", misspelt);
            Assert.Contains("Taarifa hizi hazilingani", ErrorSummary(attempt.LastPage), StringComparison.Ordinal);
        }

        using var browser = portal.CreateFormClient();
        var sixth = await browser.SubmitAsync("/account/register", Details(neema));

        Assert.Equal(HttpStatusCode.OK, sixth.StatusCode);
        Assert.Contains("Jaribu tena baada ya saa", ErrorSummary(browser.LastPage), StringComparison.Ordinal);
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.registrations WHERE nin = @nin", new { nin = Digits(neema.Nin) }));
    }

    [Fact]
    public async Task After_asking_for_a_new_code_the_new_code_confirms_the_phone()
    {
        // Issue 11: registration's code page had the sign-in page's markup: after "Tuma namba mpya" the right code
        // posted to the resend handler.
        var amina = Person("Amina");
        using var browser = portal.CreateFormClient();
        await browser.ProveIdentityAsync(amina);
        var phone = await browser.ChoosePhoneAsync(amina, 1);
        await browser.GetAsync("/account/register/code");
        await portal.ExecuteAsync( // a new code may be sent once a minute: the last one was sent a minute ago
            "UPDATE identity.one_time_codes SET created_at = created_at - interval '61 seconds' WHERE phone = @phone", new { phone });

        var (resent, url) = await browser.PressAsync("/account/register/code", "Tuma namba mpya");
        Assert.Equal(HttpStatusCode.Redirect, resent.StatusCode);
        url = await browser.FollowAsync(resent, url);
        Assert.DoesNotContain("handler=", url, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Tumetuma namba mpya", browser.LastPage, StringComparison.Ordinal);

        var (done, _) = await browser.FillAndPostAsync(url, "Code", await portal.LatestCodeAsync(phone));

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.StartsWith("/account/register/password", done.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }
}
