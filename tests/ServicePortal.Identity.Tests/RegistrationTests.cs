using System.Net;
using static ServicePortal.Identity.Tests.RegistrationSteps;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// Registering with the NIN against the demo national ID registry. Tests in this class share one database, so
/// each one that reaches the registry uses a person of its own.
/// </summary>
public sealed class RegistrationTests(RegistryPortalFactory portal) : IClassFixture<RegistryPortalFactory>
{
    private const string Password = "Mbuyu-Mkubwa-Wa-Kilwa";

    [Fact]
    public async Task Registers_with_the_registry_question_and_the_SMS_code_and_ends_signed_in()
    {
        var amina = Person("Amina");
        using var browser = portal.CreateFormClient();

        await browser.ProveIdentityAsync(amina);
        Assert.Equal("+255700000001", await browser.ChoosePhoneAsync(amina, 0));
        await browser.GetAsync("/account/register/code");
        Assert.Contains("+255 7** *** 001", WebUtility.HtmlDecode(browser.LastPage), StringComparison.Ordinal);
        await portal.ConfirmPhoneAsync(browser, "+255700000001");
        var done = await browser.ChoosePasswordAsync(Password);

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("/account/register/done", done.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/register/done")).StatusCode);
        Assert.Contains("Akaunti yako imefunguliwa", browser.LastPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode);
        Assert.Contains("Amina Hassan Mwakyusa", browser.LastPage, StringComparison.Ordinal); // the middle name comes from the registry
        Assert.Contains("nenosiri na namba ya uthibitisho", browser.LastPage, StringComparison.Ordinal);
        Assert.Equal(1, await portal.CountAsync(
            "SELECT count(*) FROM identity.accounts WHERE nin = @nin AND phone = '+255700000001' AND first_name = 'Amina'"
            + " AND middle_name = 'Hassan' AND last_name = 'Mwakyusa' AND date_of_birth = DATE '1990-04-15'",
            new { nin = Digits(amina.Nin) }));
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.registrations WHERE nin = @nin", new { nin = Digits(amina.Nin) }));

        // The registration is over: its pages lead back to the start.
        var again = await browser.GetAsync("/account/register/password");
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.StartsWith("/account/register", again.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_number_the_registry_does_not_hold_for_the_NIN_gets_no_code()
    {
        // The attack: the victim's details (all printed on the ID card), the right answer, and the attacker's own
        // phone typed into the form, then forged into the choice of number.
        var emmanuel = Person("Emmanuel");
        using var attacker = portal.CreateFormClient();

        await attacker.SubmitAsync("/account/register", Details(emmanuel, "0754 666 001"));
        await attacker.GetAsync("/account/register/question");
        await attacker.SubmitAsync("/account/register/question",
            new Dictionary<string, string?> { ["Answer"] = AnswerTo(attacker.LastPage, emmanuel) });
        await attacker.SubmitAsync("/account/register/phone", new Dictionary<string, string?> { ["Choice"] = "+255754666001" },
            formPage: "/account/register");
        await attacker.SubmitAsync("/account/register/phone", new Dictionary<string, string?> { ["Choice"] = "7" },
            formPage: "/account/register");
        await attacker.SubmitAsync("/account/register/phone", new Dictionary<string, string?> { ["Choice"] = "-1" },
            formPage: "/account/register");

        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM portal.outbox_messages WHERE recipient = '+255754666001'"));
        Assert.Equal(0, await portal.CountAsync(
            "SELECT count(*) FROM identity.registrations WHERE nin = @nin AND phone IS NOT NULL AND phone NOT IN ('+255700000006', '+255700000016')",
            new { nin = Digits(emmanuel.Nin) }));
    }

    [Fact]
    public async Task The_registrys_numbers_are_offered_masked_only_after_the_question_is_answered()
    {
        var zuhura = Person("Zuhura");
        using var browser = portal.CreateFormClient();

        var started = await browser.SubmitAsync("/account/register", Details(zuhura, "0754 100 107")); // a typed phone is not used
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var early = await browser.GetAsync("/account/register/phone");
        Assert.Equal(HttpStatusCode.Redirect, early.StatusCode);
        Assert.StartsWith("/account/register/question", early.Headers.Location!.OriginalString, StringComparison.Ordinal);
        await browser.GetAsync("/account/register/question");
        Assert.DoesNotContain("*** 0", WebUtility.HtmlDecode(browser.LastPage), StringComparison.Ordinal);

        var answered = await browser.SubmitAsync("/account/register/question",
            new Dictionary<string, string?> { ["Answer"] = AnswerTo(browser.LastPage, zuhura) });
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        Assert.StartsWith("/account/register/phone", answered.Headers.Location!.OriginalString, StringComparison.Ordinal);
        await browser.GetAsync("/account/register/phone");
        var choices = WebUtility.HtmlDecode(browser.LastPage);
        Assert.Contains("+255 7** *** 007", choices, StringComparison.Ordinal);
        Assert.Contains("+255 7** *** 017", choices, StringComparison.Ordinal);
        Assert.Contains("+255 7** *** 027", choices, StringComparison.Ordinal);
        Assert.DoesNotContain("700000017", choices, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Phone\"", choices, StringComparison.Ordinal);

        var chosen = await browser.SubmitAsync("/account/register/phone", new Dictionary<string, string?> { ["Choice"] = "1" });
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.StartsWith("/account/register/code", chosen.Headers.Location!.OriginalString, StringComparison.Ordinal);
        await browser.GetAsync("/account/register/code");
        Assert.Contains("+255 7** *** 017", WebUtility.HtmlDecode(browser.LastPage), StringComparison.Ordinal);
        Assert.Equal(1, await portal.CountAsync("SELECT count(*) FROM portal.outbox_messages WHERE recipient = '+255700000017'"));
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM portal.outbox_messages WHERE recipient IN ('+255700000007', '+255700000027')"));
    }

    [Fact]
    public async Task The_account_gets_the_registry_number_chosen_never_one_typed_into_the_form()
    {
        var juma = Person("Juma");
        using var browser = portal.CreateFormClient();

        await browser.ProveIdentityAsync(juma, phone: "0712 345 678");
        await browser.GetAsync("/account/register/phone");
        Assert.Contains("+255 7** *** 002", WebUtility.HtmlDecode(browser.LastPage), StringComparison.Ordinal);
        Assert.Contains("checked=\"checked\"", browser.LastPage, StringComparison.Ordinal); // the only number, chosen already
        await portal.ConfirmPhoneAsync(browser, await browser.ChoosePhoneAsync(juma));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.ChoosePasswordAsync(Password)).StatusCode);

        Assert.Equal(1, await portal.CountAsync("SELECT count(*) FROM identity.accounts WHERE nin = @nin AND phone = '+255700000002'",
            new { nin = Digits(juma.Nin) }));
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM portal.outbox_messages WHERE recipient = '+255712345678'"));
    }

    [Fact]
    public async Task A_second_registration_for_the_same_NIN_says_so_and_creates_nothing()
    {
        var neema = Person("Neema");
        using var late = portal.CreateFormClient(); // started at the same time, finishes second
        await late.ProveIdentityAsync(neema);
        var latePhone = await late.ChoosePhoneAsync(neema, 1);
        using (var first = portal.CreateFormClient())
        {
            await portal.RegisterAsync(first, neema, Password, position: 0);
        }

        await portal.ConfirmPhoneAsync(late, latePhone);
        var lateResponse = await late.ChoosePasswordAsync(Password);
        Assert.Equal(HttpStatusCode.OK, lateResponse.StatusCode);
        Assert.Contains("Tayari kuna akaunti ya NIN hii", ErrorSummary(late.LastPage), StringComparison.Ordinal);
        Assert.Equal(1, await portal.CountAsync("SELECT count(*) FROM identity.accounts WHERE nin = @nin", new { nin = Digits(neema.Nin) }));
        Assert.Equal(1, await portal.CountAsync("SELECT count(*) FROM identity.accounts WHERE phone = '+255700000003'"));

        var accounts = await portal.CountAsync("SELECT count(*) FROM identity.accounts");
        var registrations = await portal.CountAsync("SELECT count(*) FROM identity.registrations");
        using var second = portal.CreateFormClient();

        var response = await second.SubmitAsync("/account/register", Details(neema));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Tayari kuna akaunti ya NIN hii", ErrorSummary(second.LastPage), StringComparison.Ordinal);
        Assert.Equal(accounts, await portal.CountAsync("SELECT count(*) FROM identity.accounts"));
        Assert.Equal(registrations, await portal.CountAsync("SELECT count(*) FROM identity.registrations"));
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM portal.outbox_messages WHERE recipient = '+255700000023'"));
    }

    [Fact]
    public Task Whether_a_NIN_has_an_account_is_told_only_to_someone_whose_details_match_the_register() =>
        AssertAccountExistenceIsNotToldAsync(portal, "/account/register");

    [Theory]
    [InlineData("19991205-77777-00007-89", "Zuhra", "Mrisho")]       // a registered NIN, the name misspelt
    [InlineData("19991205-77777-00007-98", "Zuhura", "Mrisho")]      // a NIN nobody holds
    public async Task Details_that_do_not_match_the_register_are_refused_and_nothing_is_kept(string nin, string first, string last)
    {
        var registrations = await portal.CountAsync("SELECT count(*) FROM identity.registrations");
        using var browser = portal.CreateFormClient();

        var response = await browser.SubmitAsync("/account/register", new Dictionary<string, string?>
        {
            ["Nin"] = nin, ["FirstName"] = first, ["LastName"] = last, ["Day"] = "5", ["Month"] = "12", ["Year"] = "1999",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Taarifa hizi hazilingani na Daftari la Utambulisho wa Taifa", ErrorSummary(browser.LastPage), StringComparison.Ordinal);
        Assert.Equal(registrations, await portal.CountAsync("SELECT count(*) FROM identity.registrations"));
    }

    [Fact]
    public async Task A_question_the_registry_no_longer_knows_ends_the_registration_with_a_clear_message()
    {
        var baraka = Person("Baraka");
        using var browser = portal.CreateFormClient();
        await browser.SubmitAsync("/account/register", Details(baraka));
        // What the registry says once its question has expired: it does not know the verification any more.
        await portal.ExecuteAsync("UPDATE identity.registrations SET registry_verification = @unknown WHERE nin = @nin",
            new { unknown = Guid.NewGuid().ToString(), nin = Digits(baraka.Nin) });

        await browser.GetAsync("/account/register/question");
        var right = AnswerTo(browser.LastPage, baraka);
        var answer = await browser.SubmitAsync("/account/register/question", new Dictionary<string, string?> { ["Answer"] = right });

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("Muda wa swali hili umeisha", ErrorSummary(browser.LastPage), StringComparison.Ordinal);
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.registrations WHERE nin = @nin", new { nin = Digits(baraka.Nin) }));
    }

    [Fact]
    public async Task Three_wrong_answers_end_the_registration()
    {
        var baraka = Person("Baraka");
        using var browser = portal.CreateFormClient();
        await browser.SubmitAsync("/account/register", Details(baraka));
        Assert.Equal(1, await portal.CountAsync("SELECT count(*) FROM identity.registrations WHERE nin = @nin", new { nin = Digits(baraka.Nin) }));

        // The code step cannot be reached before the question is answered.
        var skipped = await browser.GetAsync("/account/register/code");
        Assert.Equal(HttpStatusCode.Redirect, skipped.StatusCode);
        Assert.StartsWith("/account/register/question", skipped.Headers.Location!.OriginalString, StringComparison.Ordinal);

        await browser.SubmitAsync("/account/register/question", new Dictionary<string, string?> { ["Answer"] = "Dodoma" });
        Assert.Contains("Umebakiza majaribio 2", browser.LastPage, StringComparison.Ordinal);
        await browser.SubmitAsync("/account/register/question", new Dictionary<string, string?> { ["Answer"] = "Dodoma" });
        Assert.Contains("Umebakiza jaribio 1.", browser.LastPage, StringComparison.Ordinal);
        var third = await browser.SubmitAsync("/account/register/question", new Dictionary<string, string?> { ["Answer"] = "Dodoma" });

        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Contains("Hatukuweza kuthibitisha utambulisho wako", ErrorSummary(browser.LastPage), StringComparison.Ordinal);
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.registrations WHERE nin = @nin", new { nin = Digits(baraka.Nin) }));
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM portal.outbox_messages WHERE recipient IN ('+255700000004', '+255700000014')"));
        var after = await browser.GetAsync("/account/register/question");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/account/register", after.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "Weka Namba yako ya Utambulisho wa Taifa (NIN).", "Enter your National Identification Number (NIN).")]
    [InlineData("1990041511111", "NIN ina tarakimu 20", "A NIN has 20 digits")]
    [InlineData("19900415-11111-00001-234", "NIN ina tarakimu 20", "A NIN has 20 digits")]
    [InlineData("19900415-11111-0000A-23", "NIN ina tarakimu pekee", "A NIN has digits only")]
    [InlineData("19901315-11111-00001-23", "Tarakimu 8 za kwanza za NIN ni tarehe ya kuzaliwa", "The first 8 digits of a NIN are the date of birth")]
    [InlineData("20991231-11111-00001-23", "Tarehe ya kuzaliwa ndani ya NIN haiwezi kuwa ya siku zijazo", "The date of birth in a NIN cannot be in the future")]
    [InlineData("1990041511111000012319900415111110000123199004151111100001231990041511", "NIN ina tarakimu 20", "A NIN has 20 digits")]
    public async Task A_malformed_NIN_gets_a_message_next_to_the_field_in_either_language(string nin, string kiswahili, string english)
    {
        var registrations = await portal.CountAsync("SELECT count(*) FROM identity.registrations");
        var fields = new Dictionary<string, string?>
        {
            ["Nin"] = nin, ["FirstName"] = "Rehema", ["LastName"] = "Mollel", ["Day"] = "15", ["Month"] = "4", ["Year"] = "1990",
        };

        using var sw = portal.CreateFormClient();
        var inKiswahili = await sw.SubmitAsync("/account/register", fields);
        using var en = portal.CreateFormClient();
        var inEnglish = await en.SubmitAsync("/account/register?lang=en", fields);

        Assert.Equal(HttpStatusCode.OK, inKiswahili.StatusCode);
        Assert.Contains(kiswahili, FieldError(sw.LastPage, "Nin"), StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\"", sw.LastPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, inEnglish.StatusCode);
        Assert.Contains(english, FieldError(en.LastPage, "Nin"), StringComparison.Ordinal);
        Assert.Equal(registrations, await portal.CountAsync("SELECT count(*) FROM identity.registrations"));
    }

    [Fact]
    public async Task A_date_of_birth_that_differs_from_the_NINs_first_8_digits_is_refused()
    {
        using var browser = portal.CreateFormClient();
        var details = new Dictionary<string, string?>
        {
            ["Nin"] = "19880214-12345-67890-13", ["FirstName"] = "Rehema", ["LastName"] = "Mollel",
            ["Day"] = "15", ["Month"] = "2", ["Year"] = "1988",
        };

        var response = await browser.SubmitAsync("/account/register", details);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Tarehe ya kuzaliwa hailingani na tarakimu 8 za kwanza za NIN.", ErrorSummary(browser.LastPage), StringComparison.Ordinal);
        Assert.Contains("href=\"#DateOfBirth\"", browser.LastPage, StringComparison.Ordinal);
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.registrations WHERE nin = '19880214123456789013'"));
    }

    [Fact]
    public async Task Names_with_markup_are_refused_and_shown_back_escaped()
    {
        using var browser = portal.CreateFormClient();

        var response = await browser.SubmitAsync("/account/register", new Dictionary<string, string?>
        {
            ["Nin"] = "19880214-12345-67890-12", ["FirstName"] = "<script>alert(1)</script>", ["LastName"] = "Mollel\"><img src=x onerror=alert(2)>",
            ["Day"] = "14", ["Month"] = "2", ["Year"] = "1988",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Weka jina lako la kwanza kama lilivyo kwenye kitambulisho.", FieldError(browser.LastPage, "FirstName"), StringComparison.Ordinal);
        Assert.Contains("Weka jina lako la ukoo kama lilivyo kwenye kitambulisho.", FieldError(browser.LastPage, "LastName"), StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", browser.LastPage, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", browser.LastPage, StringComparison.Ordinal);
        Assert.Contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\"", browser.LastPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_password_must_be_long_uncommon_and_free_of_the_NIN()
    {
        var fatuma = Person("Fatuma");
        using var browser = portal.CreateFormClient();
        await browser.ProveIdentityAsync(fatuma);
        await portal.ConfirmPhoneAsync(browser, await browser.ChoosePhoneAsync(fatuma));

        await browser.ChoosePasswordAsync("Mfupi-1");
        Assert.Contains("Nenosiri liwe na herufi 10 au zaidi.", FieldError(browser.LastPage, "Password"), StringComparison.Ordinal);
        await browser.ChoosePasswordAsync("password123");
        Assert.Contains("Nenosiri hili linatumiwa na watu wengi", FieldError(browser.LastPage, "Password"), StringComparison.Ordinal);
        await browser.ChoosePasswordAsync("Nambari-" + fatuma.Nin);
        Assert.Contains("Nenosiri lisiwe na NIN yako", FieldError(browser.LastPage, "Password"), StringComparison.Ordinal);
        await browser.ChoosePasswordAsync("Siri-" + Digits(fatuma.Nin)[..8] + "-Yangu");
        Assert.Contains("Nenosiri lisiwe na NIN yako", FieldError(browser.LastPage, "Password"), StringComparison.Ordinal);

        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.accounts WHERE nin = @nin", new { nin = Digits(fatuma.Nin) }));
        // Refused passwords do not end the registration: a good one still completes it.
        var good = await browser.ChoosePasswordAsync(Password);
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        Assert.Equal(1, await portal.CountAsync("SELECT count(*) FROM identity.accounts WHERE nin = @nin", new { nin = Digits(fatuma.Nin) }));
    }

    [Fact]
    public async Task A_confirmation_that_differs_from_the_password_is_refused()
    {
        var emmanuel = Person("Emmanuel");
        using var browser = portal.CreateFormClient();
        await browser.ProveIdentityAsync(emmanuel);
        await portal.ConfirmPhoneAsync(browser, await browser.ChoosePhoneAsync(emmanuel));

        var response = await browser.ChoosePasswordAsync(Password, Password + "!");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Maneno mawili ya siri hayalingani.", FieldError(browser.LastPage, "Confirm"), StringComparison.Ordinal);
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.accounts WHERE nin = @nin", new { nin = Digits(emmanuel.Nin) }));
    }

    [Fact]
    public async Task Wrong_codes_are_refused_the_fifth_spends_the_code_and_the_password_step_stays_closed()
    {
        var zuhura = Person("Zuhura");
        using var browser = portal.CreateFormClient();
        await browser.ProveIdentityAsync(zuhura);
        var code = await portal.LatestCodeAsync(await browser.ChoosePhoneAsync(zuhura, 0));
        var wrong = code == "000000" ? "000001" : "000000";

        var skipped = await browser.GetAsync("/account/register/password");
        Assert.Equal(HttpStatusCode.Redirect, skipped.StatusCode);
        // Posted with a valid antiforgery token (from the code page), the password is still not taken.
        var skippedPost = await browser.ChoosePasswordAsync(Password, formPage: "/account/register/code");
        Assert.Equal(HttpStatusCode.Redirect, skippedPost.StatusCode);

        // Malformed codes are refused before they are checked, so they do not count.
        await browser.SubmitAsync("/account/register/code", new Dictionary<string, string?> { ["Code"] = "12345" });
        Assert.Contains("Namba ina tarakimu 6.", FieldError(browser.LastPage, "Code"), StringComparison.Ordinal);
        await browser.SubmitAsync("/account/register/code", new Dictionary<string, string?> { ["Code"] = "" });
        Assert.Contains("Weka namba uliyotumiwa kwa SMS.", FieldError(browser.LastPage, "Code"), StringComparison.Ordinal);
        for (var i = 0; i < 4; i++)
        {
            var response = await browser.SubmitAsync("/account/register/code", new Dictionary<string, string?> { ["Code"] = wrong });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("Namba si sahihi", FieldError(browser.LastPage, "Code"), StringComparison.Ordinal);
        }

        await browser.SubmitAsync("/account/register/code", new Dictionary<string, string?> { ["Code"] = wrong });
        Assert.Contains("Umejaribu namba hii mara nyingi mno", FieldError(browser.LastPage, "Code"), StringComparison.Ordinal);
        await browser.SubmitAsync("/account/register/code", new Dictionary<string, string?> { ["Code"] = code });
        Assert.Contains("Hakuna namba inayosubiri", FieldError(browser.LastPage, "Code"), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/account/register/password")).StatusCode);
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.accounts WHERE nin = @nin", new { nin = Digits(zuhura.Nin) }));
    }

    [Theory]
    [InlineData("/account/register/question")]
    [InlineData("/account/register/phone")]
    [InlineData("/account/register/code")]
    [InlineData("/account/register/app")]
    [InlineData("/account/register/password")]
    public async Task A_later_step_without_a_registration_sends_the_person_to_the_start(string step)
    {
        using var browser = portal.CreateFormClient();
        // A made-up registration id is no better than none.
        browser.Http.DefaultRequestHeaders.Add("Cookie", $"portal_registration={Guid.NewGuid():N}");

        var response = await browser.GetAsync(step);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/register", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.False(response.Headers.Location.OriginalString.StartsWith(step, StringComparison.Ordinal));
    }

    /// <summary>The message shown next to one field.</summary>
    internal static string FieldError(string page, string field)
    {
        var start = page.IndexOf($"id=\"{field}-error\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no message next to {field}");
        var end = page.IndexOf("</p>", start, StringComparison.Ordinal);
        return page[start..end];
    }
}
