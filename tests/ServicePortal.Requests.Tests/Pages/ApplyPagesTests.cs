using System.Net;
using System.Text.RegularExpressions;

namespace ServicePortal.Requests.Tests.Pages;

/// <summary>The apply journey and "my applications", as pages, over HTTP as a browser without JavaScript posts them.</summary>
public sealed partial class ApplyPagesTests(RequestsPortalFactory portal) : IClassFixture<RequestsPortalFactory>
{
    private static readonly Dictionary<string, string?> Birth = new()
    {
        ["answers.childName"] = "Neema Baraka Mollel",
        ["answers.dateOfBirth"] = "2026-10-01",
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
        var hidden = HiddenFields().Matches(reviewPage)
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
        Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        Assert.Contains("Hakiki majibu yako", reviewPage, StringComparison.Ordinal);
        Assert.Contains("Rehema &lt;b&gt;Mollel&lt;/b&gt;", reviewPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal(location, sentAgain.Headers.Location!.OriginalString); // the same application, not a second one
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        Assert.True(detailPage.Contains("Ombi lako limepokelewa", StringComparison.Ordinal), Regex.Match(detailPage, "<main[^>]*>([\\s\\S]{0,1500})").Value);
        Assert.Contains(reference, listPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Equal(1, await portal.ScalarAsync<long>(
            "SELECT count(*) FROM requests.requests r JOIN identity.accounts a ON a.id = r.account_id WHERE a.nin = @digits",
            new { digits = nin.Replace("-", "", StringComparison.Ordinal) }));
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
