using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServicePortal.Core.Hosting;

namespace ServicePortal.Requests.Tests.Pages;

/// <summary>The apply journey and "my applications", as pages, over HTTP as a browser without JavaScript posts them.</summary>
public sealed partial class ApplyPagesTests(RequestsPortalFactory portal) : IClassFixture<RequestsPortalFactory>
{
    private static readonly Dictionary<string, string?> Birth = new()
    {
        ["answers.childName"] = "Neema Baraka Mollel",
        ["answers.dateOfBirth.day"] = "1",
        ["answers.dateOfBirth.month"] = "10",
        ["answers.dateOfBirth.year"] = "2026",
        ["answers.placeOfBirth"] = "Hospitali ya Mount Meru, Arusha",
        ["answers.sex"] = "female",
        ["answers.motherName"] = "Rehema <b>Mollel</b>",
    };

    [Fact]
    public async Task Form_review_send_makes_one_application_even_sent_twice_and_only_its_citizen_sees_it()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        using var browser = new FormClient(portal.Client());
        await portal.SignInAsync(browser, nin, phone);

        var missing = await browser.SubmitAsync("/apply/rita-birth-certificate?handler=Review",
            new Dictionary<string, string?> { ["answers.childName"] = "Neema" }, formPage: "/apply/rita-birth-certificate");
        var missingPage = browser.LastPage;
        var review = await browser.SubmitAsync("/apply/rita-birth-certificate?handler=Review", Birth, formPage: "/apply/rita-birth-certificate");
        var reviewPage = browser.LastPage;
        // The review's own form, as a browser would post it (the antiforgery token included), twice: a double click.
        // The review form's fields only: the header's sign-out form carries an antiforgery token of its own.
        var hidden = HiddenFields().Matches(reviewPage[reviewPage.IndexOf("<main", StringComparison.Ordinal)..])
            .Select(m => KeyValuePair.Create(m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value))).ToList();
        var sent = await browser.PostAsync("/apply/rita-birth-certificate?handler=Submit", hidden);
        var sentAgain = await browser.PostAsync("/apply/rita-birth-certificate?handler=Submit", hidden);
        var location = sent.Headers.Location!.OriginalString;
        var reference = Regex.Match(location, "SP-[0-9A-Z]{9}").Value;
        var detail = await browser.GetAsync(location);
        var detailPage = browser.LastPage;
        var list = await browser.GetAsync("/maombi");
        var listPage = browser.LastPage;

        var (otherNin, otherPhone) = await portal.CreateAccountAsync();
        using var other = new FormClient(portal.Client());
        await portal.SignInAsync(other, otherNin, otherPhone);
        var theirs = await other.GetAsync($"/maombi/{reference}");

        Assert.Equal(HttpStatusCode.OK, missing.StatusCode);
        Assert.Contains("Tafadhali rekebisha yafuatayo", missingPage, StringComparison.Ordinal);
        Assert.Contains("Tarehe ya kuzaliwa", missingPage, StringComparison.Ordinal);
        // The form as the catalogue stored it (jsonb sorts keys): still the child first, then the parents.
        var positions = new[] { "answers-childName", "answers-sex", "answers-dateOfBirth-day", "answers-placeOfBirth", "answers-motherName", "answers-fatherName" }
            .Select(id => missingPage.IndexOf($"id=\"{id}\"", StringComparison.Ordinal)).ToArray();
        Assert.All(positions, p => Assert.True(p > 0));
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        Assert.Contains("Hakiki majibu yako", reviewPage, StringComparison.Ordinal);
        Assert.Contains("Rehema &lt;b&gt;Mollel&lt;/b&gt;", reviewPage, StringComparison.Ordinal);
        Assert.Matches("<dt>Tarehe ya kuzaliwa ya mtoto</dt>\\s*<dd>\\s*<span class=\"answer-text\">1 Oktoba 2026</span>", reviewPage);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal(location, sentAgain.Headers.Location!.OriginalString); // the same application, not a second one
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        Assert.True(detailPage.Contains("Ombi lako limepokelewa", StringComparison.Ordinal), Regex.Match(detailPage, "<main[^>]*>([\\s\\S]{0,1500})").Value);
        // The application's page shows what was sent, under the questions, the date in words.
        Assert.Contains("Ulichotuma", detailPage, StringComparison.Ordinal);
        Assert.Matches("<dt>Tarehe ya kuzaliwa ya mtoto</dt>\\s*<dd>\\s*<span class=\"answer-text\">1 Oktoba 2026</span>", detailPage);
        Assert.Contains("Rehema &lt;b&gt;Mollel&lt;/b&gt;", detailPage, StringComparison.Ordinal);
        // The list tells it apart: the service, the child's name, the day it was sent; one application, in the singular.
        Assert.Contains(reference, listPage, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/maombi/{reference}\">Cheti cha Kuzaliwa: Neema Baraka Mollel</a>", listPage, StringComparison.Ordinal);
        Assert.Contains("Ombi 1<", listPage, StringComparison.Ordinal);
        Assert.Matches("Ilitumwa <time datetime=\"[^\"]+\">[0-9]{1,2} (Januari|Februari|Machi|Aprili|Mei|Juni|Julai|Agosti|Septemba|Oktoba|Novemba|Desemba) 20[0-9]{2}</time>", listPage);
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Equal(1, await portal.ScalarAsync<long>(
            "SELECT count(*) FROM requests.requests r JOIN identity.accounts a ON a.id = r.account_id WHERE a.nin = @digits",
            new { digits = nin.Replace("-", "", StringComparison.Ordinal) }));
    }

    [Fact]
    public async Task A_service_that_takes_no_applications_here_is_not_found_before_anyone_is_asked_to_sign_in()
    {
        using var anonymous = new FormClient(portal.Client());

        var missing = await anonymous.GetAsync("/apply/hakuna-huduma-hii");
        var officeOnly = await anonymous.GetAsync("/apply/nida-national-id");
        var tooLong = await anonymous.GetAsync("/apply/" + new string('a', 200));
        var real = await anonymous.GetAsync("/apply/rita-birth-certificate");
        // A form posted after the session ended: sent to sign in (not a 400 from the antiforgery check), and back to the
        // form itself afterwards, not to a handler that has no page of its own.
        var posted = await anonymous.PostAsync("/apply/rita-birth-certificate?handler=Review",
            [KeyValuePair.Create("answers.childName", "Neema")]);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, officeOnly.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, tooLong.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, real.StatusCode);
        Assert.Contains("/account/sign-in", real.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Contains("/account/sign-in", posted.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.EndsWith("ReturnUrl=%2Fapply%2Frita-birth-certificate", posted.Headers.Location!.OriginalString, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_birth_date_in_the_future_or_half_written_is_refused_in_words_and_shown_back_in_its_boxes()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        using var browser = new FormClient(portal.Client());
        await portal.SignInAsync(browser, nin, phone);
        var nextYear = (DateTime.UtcNow.Year + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var future = await browser.SubmitAsync("/apply/rita-birth-certificate?handler=Review",
            new Dictionary<string, string?>(Birth) { ["answers.dateOfBirth.year"] = nextYear }, formPage: "/apply/rita-birth-certificate");
        var futurePage = WebUtility.HtmlDecode(browser.LastPage);
        var half = await browser.SubmitAsync("/apply/rita-birth-certificate?handler=Review",
            new Dictionary<string, string?>(Birth) { ["answers.dateOfBirth.month"] = "" }, formPage: "/apply/rita-birth-certificate");
        var halfPage = WebUtility.HtmlDecode(browser.LastPage);

        Assert.Equal(HttpStatusCode.OK, future.StatusCode);
        Assert.DoesNotContain("Hakiki majibu yako", futurePage, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#answers-dateOfBirth-day\">«Tarehe ya kuzaliwa ya mtoto» iwe leo au tarehe iliyopita.</a>", futurePage, StringComparison.Ordinal);
        Assert.Contains($"name=\"answers.dateOfBirth.year\" value=\"{nextYear}\"", futurePage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, half.StatusCode);
        Assert.Contains("«Tarehe ya kuzaliwa ya mtoto» iwe na mwezi.", halfPage, StringComparison.Ordinal);
        Assert.Contains("name=\"answers.dateOfBirth.day\" value=\"1\"", halfPage, StringComparison.Ordinal);
        Assert.Contains("name=\"answers.dateOfBirth.month\" value=\"\"", halfPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_application_waiting_for_the_citizen_says_what_the_agency_asks_and_how_to_reach_help()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        var (reference, agencyReference) = await portal.SubmittedRequestAsync(nin, "rita", "rita-birth-certificate",
            """{"childName": "Neema Baraka Mollel", "placeOfBirth": "Arusha"}""");
        using var rita = await AgencyAsync("rita");
        await PushAsync(rita, new Dictionary<string, object>
        {
            ["agencyReference"] = agencyReference,
            ["status"] = "needs_correction",
            ["version"] = 2,
            ["updatedAt"] = "2026-12-01T10:00:00Z",
            ["message_sw"] = "RITA inaomba urekebishe <b>taarifa</b> moja.",
            ["message_en"] = "RITA asks you to correct one detail.",
            ["correction"] = new Dictionary<string, string>
            {
                ["field"] = "placeOfBirth",
                ["message_sw"] = "Andika hospitali, wilaya na mkoa. <script>alert(1)</script>",
                ["message_en"] = "Give the hospital, district and region.",
            },
        });
        using var browser = new FormClient(portal.Client());
        await portal.SignInAsync(browser, nin, phone);
        var contact = portal.Services.GetRequiredService<IOptions<PortalContact>>().Value;

        await browser.GetAsync($"/maombi/{reference}");
        var page = browser.LastPage;
        await browser.GetAsync("/maombi");
        var list = browser.LastPage;

        Assert.Contains("<strong class=\"tag tag-action\">Unahitajika kuchukua hatua</strong>", page, StringComparison.Ordinal);
        Assert.Contains("RITA inaomba urekebishe &lt;b&gt;taarifa&lt;/b&gt; moja.", page, StringComparison.Ordinal);
        Assert.Matches("<dt>Swali</dt>\\s*<dd>Mahali alipozaliwa mtoto</dd>\\s*<dt>Ulichoandika</dt>\\s*<dd class=\"answer-text\">Arusha</dd>", page);
        Assert.Contains("Andika hospitali, wilaya na mkoa. &lt;script&gt;alert(1)&lt;/script&gt;", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);
        Assert.DoesNotContain("maelekezo hapo juu", page, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"tel:{contact.PhoneLink}\">{contact.HelpdeskPhone}</a>", page, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"mailto:{contact.HelpdeskEmail}\">{contact.HelpdeskEmail}</a>", page, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://www.rita.go.tz/\">www.rita.go.tz</a>", page, StringComparison.Ordinal);
        // In the list it stands out: a bar beside it, a coloured tag that says it in words, and what to do.
        Assert.Matches($"<li class=\"needs-you\">\\s*<h2><a href=\"/maombi/{reference}\">Cheti cha Kuzaliwa: Neema Baraka Mollel</a></h2>", list);
        Assert.Contains("Fungua ombi uone unachotakiwa kufanya.", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_due_date_is_said_while_the_agency_owes_an_answer_and_not_once_it_is_finished()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        var (reference, agencyReference) = await portal.SubmittedRequestAsync(nin, "rita", "rita-birth-certificate");
        await portal.ExecuteAsync("UPDATE requests.requests SET due_at = now() + interval '5 days' WHERE reference = @reference", new { reference });
        using var browser = new FormClient(portal.Client());
        await portal.SignInAsync(browser, nin, phone);

        await browser.GetAsync($"/maombi/{reference}");
        var open = browser.LastPage;
        using var rita = await AgencyAsync("rita");
        await PushAsync(rita, new Dictionary<string, object>
        {
            ["agencyReference"] = agencyReference, ["status"] = "issued", ["version"] = 2, ["updatedAt"] = "2026-12-01T10:00:00Z",
        });
        await browser.GetAsync($"/maombi/{reference}");
        var finished = browser.LastPage;

        Assert.Contains("Muda uliopangwa wa kukamilika", open, StringComparison.Ordinal);
        Assert.Contains("<strong class=\"tag tag-done\">Imekamilika</strong>", finished, StringComparison.Ordinal);
        Assert.DoesNotContain("Muda uliopangwa wa kukamilika", finished, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type": "object", "properties": {"licence": {"type": "string", "pattern": "("}}}""")]
    [InlineData("""{"type": "object", "properties": {"rows": {"type": "array", "minItems": 50, "items": {"type": "array", "minItems": 50, "items": {"type": "string"}}}}}""")]
    // A pattern only a backtracking engine runs (a back-reference), and a format the portal does not check itself.
    [InlineData("""{"type": "object", "properties": {"licence": {"type": "string", "pattern": "^(a+)+\\1$"}}}""")]
    [InlineData("""{"type": "object", "properties": {"licence": {"type": "string", "format": "regex"}}}""")]
    public async Task A_stored_form_the_engine_cannot_show_is_said_plainly_to_be_unavailable(string schema)
    {
        // Stored before the checker existed (or written directly): the page must not answer a bare 404 or 500.
        var code = await StoreFormAsync("rita-broken-", schema);
        var (nin, phone) = await portal.CreateAccountAsync();
        using var browser = new FormClient(portal.Client());
        await portal.SignInAsync(browser, nin, phone);

        var page = await browser.GetAsync($"/apply/{code}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Contains("Fomu ya mtandaoni ya huduma hii haipatikani kwa sasa", browser.LastPage, StringComparison.Ordinal);
        Assert.Contains($"href=\"/huduma/{code}\"", browser.LastPage, StringComparison.Ordinal);
        Assert.DoesNotContain("<form method=\"post\" novalidate>", browser.LastPage, StringComparison.Ordinal);
    }

    private async Task<HttpClient> AgencyAsync(string agency)
    {
        var http = portal.Client();
        var token = await AppTokens.AgencyAsync(portal, http, agency, "agency.requests");
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task PushAsync(HttpClient agency, object item)
    {
        var response = await agency.PostAsJsonAsync("/api/agency/requests/status", new { items = new[] { item } });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK && body.Contains("\"applied\"", StringComparison.Ordinal), body);
    }

    [Fact]
    public async Task A_stored_pattern_that_backtracks_catastrophically_neither_holds_the_page_nor_refuses_a_right_answer()
    {
        // Stored before the checker existed: (a+)+ in a list of 50 entries. A backtracking engine gave up on each
        // hostile entry only at its time limit (twice each: a minute of CPU for one post) and refused right answers.
        var code = await StoreFormAsync("rita-redos-", """
            {"type": "object", "required": ["code"], "properties": {
              "code": {"type": "string", "pattern": "^((a+)+b|a*)$", "x-title": {"sw": "Msimbo", "en": "Code"}},
              "rows": {"type": "array", "maxItems": 50, "x-title": {"sw": "Safu", "en": "Rows"},
                       "items": {"type": "object", "properties": {"tag": {"type": "string", "pattern": "^(a+)+$", "x-title": {"sw": "Alama", "en": "Tag"}}}}}}}
            """);
        var (nin, phone) = await portal.CreateAccountAsync();
        using var browser = new FormClient(portal.Client());
        await portal.SignInAsync(browser, nin, phone);
        var hostile = new Dictionary<string, string?> { ["answers.code"] = new string('a', 3_000) };
        for (var i = 0; i < 50; i++)
        {
            hostile[$"answers.rows[{i}].tag"] = new string('a', 3_000) + "!";
        }

        var refused = await browser.SubmitAsync($"/apply/{code}?handler=Review", hostile, formPage: $"/apply/{code}");
        var refusedPage = browser.LastPage;
        var right = await browser.SubmitAsync($"/apply/{code}?handler=Review",
            new Dictionary<string, string?> { ["answers.code"] = new string('a', 3_000) }, formPage: $"/apply/{code}");
        var rightPage = browser.LastPage;

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("«Alama (Safu 1)» haijaandikwa kwa muundo unaotakiwa. Iangalie tena.", WebUtility.HtmlDecode(refusedPage), StringComparison.Ordinal);
        Assert.Contains("«Alama (Safu 50)»", WebUtility.HtmlDecode(refusedPage), StringComparison.Ordinal);
        Assert.DoesNotContain("«Msimbo»", WebUtility.HtmlDecode(refusedPage), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("Hakiki majibu yako", rightPage, StringComparison.Ordinal);
    }

    /// <summary>A published service with this form, stored directly (as before the checker existed).</summary>
    private async Task<string> StoreFormAsync(string prefix, string schema)
    {
        var code = prefix + Guid.NewGuid().ToString("N")[..8];
        await portal.ExecuteAsync("""
            INSERT INTO catalog.services (code, agency_id, category_id, name_sw, name_en, summary_sw, summary_en, channels, status,
                                          form_schema, submit_path, status_path, published_at)
            SELECT @code, agency_id, category_id, name_sw, name_en, summary_sw, summary_en, channels, 'published',
                   @schema::jsonb, submit_path, status_path, now()
              FROM catalog.services WHERE code = 'rita-birth-certificate'
            """, new { code, schema });
        return code;
    }

    [GeneratedRegex("<input(?=[^>]*type=\"hidden\")[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"")]
    private static partial Regex HiddenFields();
}
