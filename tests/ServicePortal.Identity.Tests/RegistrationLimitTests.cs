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
    private const string WrongAnswer = "Dodoma-Kusini";

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

    private static string Digits(string nin) => new([.. nin.Where(char.IsAsciiDigit)]);
}
