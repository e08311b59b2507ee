using System.Net;
using System.Text.RegularExpressions;
using ServicePortal.Identity.Registry;
using static ServicePortal.Identity.Tests.RegistrationSteps;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// The registry's question (issue 11): a region of birth is chosen from the 31 regions, never typed, and a value that
/// is not a region is answered on the page without spending a try; the page shows one number of tries left, the one
/// the portal counts. Registering ends on the "account created" confirmation page. Tests in this class share one
/// database and one demo registry, so each uses a person of its own.
/// </summary>
public sealed partial class RegistryQuestionChoiceTests(RegistryPortalFactory portal) : IClassFixture<RegistryPortalFactory>
{
    private const string Password = "Jua-Kali-La-Mchana";

    [Fact]
    public async Task A_region_question_offers_the_31_regions_as_the_registry_writes_them_and_a_name_question_a_box()
    {
        var juma = Person("Juma");
        using var browser = portal.CreateFormClient();
        await browser.SubmitAsync("/account/register", Details(juma));
        var page = await browser.GetAsync("/account/register/question");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // The registry chooses the question at random; the page must fit whichever it asked.
        var region = browser.LastPage.Contains("Ulizaliwa katika mkoa gani", StringComparison.Ordinal);
        Assert.Equal(region, browser.LastPage.Contains("<select id=\"Answer\" name=\"Answer\"", StringComparison.Ordinal));
        Assert.Equal(!region, browser.LastPage.Contains("<input id=\"Answer\" name=\"Answer\" type=\"text\"", StringComparison.Ordinal));
        Assert.Equal(31, TanzaniaRegions.All.Count);
        Assert.Equal(31, TanzaniaRegions.All.Distinct(StringComparer.Ordinal).Count());
        // Every seeded person's region of birth is in the list, written as the registry writes it.
        Assert.All(DemoAgencies.Agencies.Nida.NidaRegistry.SeededPeople, p => Assert.Contains(p.RegionOfBirth, TanzaniaRegions.All));
        if (region)
        {
            Assert.Equal(32, Options().Matches(browser.LastPage).Count); // "Chagua mkoa" and the 31
            Assert.Contains("<option value=\"Mjini Magharibi\">Mjini Magharibi</option>", browser.LastPage, StringComparison.Ordinal);
        }

        // Either way the right answer (the person's region as the registry holds it) goes through.
        var answered = await browser.SubmitAsync("/account/register/question",
            new Dictionary<string, string?> { ["Answer"] = AnswerTo(browser.LastPage, juma) });
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        Assert.StartsWith("/account/register/phone", answered.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_region_that_is_not_in_the_list_is_a_message_on_the_page_and_spends_no_try()
    {
        var neema = Person("Neema");
        var nin = Digits(neema.Nin);
        using var browser = portal.CreateFormClient();
        await browser.SubmitAsync("/account/register", Details(neema));
        // Whatever the registry asked, this registration's question is a region's (the page's rule is under test, not the registry's dice).
        await portal.ExecuteAsync("UPDATE identity.registrations SET question_kind = 'region_of_birth' WHERE nin = @nin", new { nin });
        await browser.GetAsync("/account/register/question");
        Assert.Contains("Umebakiza majaribio 3.", browser.LastPage, StringComparison.Ordinal);
        var countsBefore = await portal.CountAsync("SELECT coalesce(sum(count), 0) FROM portal.attempt_counts WHERE scope = 'identity.registry-answers'");

        foreach (var notARegion in new[] { "Zanzibar", "Dar", "mbeya ", "" })
        {
            var refused = await browser.SubmitAsync("/account/register/question", new Dictionary<string, string?> { ["Answer"] = notARegion });
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains(notARegion.Length == 0 ? "Chagua mkoa ulikozaliwa." : "Chagua mkoa kutoka kwenye orodha.",
                ErrorSummary(browser.LastPage), StringComparison.Ordinal);
            Assert.Contains("Umebakiza majaribio 3.", browser.LastPage, StringComparison.Ordinal);
        }

        // Nothing was counted, and the registry was not asked (its tries for the question are all there).
        Assert.Equal(countsBefore, await portal.CountAsync("SELECT coalesce(sum(count), 0) FROM portal.attempt_counts WHERE scope = 'identity.registry-answers'"));
        Assert.Equal(3, await portal.ScalarAsync<int>("SELECT registry_attempts_left FROM identity.registrations WHERE nin = @nin", new { nin }));
    }

    [Fact]
    public async Task The_page_shows_one_number_of_tries_left_the_one_the_portal_counts()
    {
        var zuhura = Person("Zuhura");
        var nin = Digits(zuhura.Nin);
        using var browser = portal.CreateFormClient();
        await browser.SubmitAsync("/account/register", Details(zuhura));
        await browser.GetAsync("/account/register/question");
        Assert.Equal(["3"], TriesLeft(browser.LastPage)); // the registry's 3 (the NIN has 6 today)

        // A wrong answer that is a region and not a mother's name, so wrong whichever the question.
        await browser.SubmitAsync("/account/register/question", new Dictionary<string, string?> { ["Answer"] = "Dodoma" });
        Assert.Contains("Jibu halilingani na daftari.", ErrorSummary(browser.LastPage), StringComparison.Ordinal);
        Assert.Equal(["2"], TriesLeft(browser.LastPage));
        Assert.Equal(2, await portal.ScalarAsync<int>("SELECT registry_attempts_left FROM identity.registrations WHERE nin = @nin", new { nin }));

        // When the NIN's answers today are fewer than the registry's tries, the page says the smaller: one number, one owner.
        await portal.ExecuteAsync(
            "UPDATE portal.attempt_counts SET count = 5 WHERE scope = 'identity.registry-answers' AND subject_hash = sha256(convert_to(@nin, 'UTF8'))",
            new { nin });
        await browser.GetAsync("/account/register/question");
        Assert.Equal(["1"], TriesLeft(browser.LastPage));
        Assert.Contains("Umebakiza jaribio 1.", browser.LastPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registering_ends_on_the_account_created_page_which_leads_on_to_where_the_person_was_going()
    {
        var baraka = Person("Baraka");
        using var browser = portal.CreateFormClient();
        var details = await browser.SubmitAsync("/account/register?returnUrl=%2Fhuduma%3Fq%3Dleseni", Details(baraka));
        Assert.Contains("returnUrl=%2Fhuduma%3Fq%3Dleseni", details.Headers.Location!.OriginalString, StringComparison.Ordinal);
        await browser.GetAsync(details.Headers.Location!.OriginalString);
        var answered = await browser.SubmitAsync(details.Headers.Location!.OriginalString,
            new Dictionary<string, string?> { ["Answer"] = AnswerTo(browser.LastPage, baraka), ["ReturnUrl"] = "/huduma?q=leseni" });
        var phone = await browser.SubmitAsync(answered.Headers.Location!.OriginalString, new Dictionary<string, string?> { ["Choice"] = "0" });
        var confirmed = await browser.SubmitAsync(phone.Headers.Location!.OriginalString,
            new Dictionary<string, string?> { ["Code"] = await portal.LatestCodeAsync(baraka.Phones[0]) });
        var password = confirmed.Headers.Location!.OriginalString;
        Assert.StartsWith("/account/register/password", password, StringComparison.Ordinal);
        var done = await browser.SubmitAsync(password, new Dictionary<string, string?> { ["Password"] = Password, ["Confirm"] = Password });

        // Post, redirect, get: the confirmation is a page of its own, and reloading it posts nothing.
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("/account/register/done?returnUrl=%2Fhuduma%3Fq%3Dleseni", done.Headers.Location!.OriginalString);
        for (var reload = 0; reload < 2; reload++)
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(done.Headers.Location!.OriginalString)).StatusCode);
            Assert.Contains("<h1>Akaunti yako imefunguliwa</h1>", browser.LastPage, StringComparison.Ordinal);
            Assert.Contains("Kinachofuata", browser.LastPage, StringComparison.Ordinal);
            Assert.Contains("+255 7** *** 004", WebUtility.HtmlDecode(browser.LastPage), StringComparison.Ordinal);
            Assert.Contains("href=\"/huduma?q=leseni\"", browser.LastPage, StringComparison.Ordinal);
        }

        Assert.Equal(1, await portal.CountAsync("SELECT count(*) FROM identity.accounts WHERE nin = @nin", new { nin = Digits(baraka.Nin) }));

        // Another site's address is never the way on.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/register/done?returnUrl=%2F%2Fevil.example%2F")).StatusCode);
        Assert.DoesNotContain("href=\"//evil.example", browser.LastPage, StringComparison.Ordinal);
        Assert.Contains("<a class=\"button\" href=\"/account\">", browser.LastPage, StringComparison.Ordinal);

        // Without a session, the confirmation is not shown.
        using var stranger = portal.CreateFormClient();
        Assert.Equal(HttpStatusCode.Redirect, (await stranger.GetAsync("/account/register/done")).StatusCode);
    }

    private static string Digits(string nin) => new([.. nin.Where(char.IsAsciiDigit)]);

    /// <summary>Every number of tries left the page states.</summary>
    private static string[] TriesLeft(string page) => [.. Tries().Matches(page).Select(m => m.Groups[1].Value)];

    [GeneratedRegex("<option value=")]
    private static partial Regex Options();

    [GeneratedRegex("(?:majaribio|jaribio) (\\d+)")]
    private static partial Regex Tries();
}
