using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ServicePortal.Requests.Tests.Pages;

/// <summary>The apply journey and "my applications", as pages: over HTTP without a browser, and in Chromium.</summary>
public sealed partial class ApplyPagesTests(RequestsPortalFactory portal) : IClassFixture<RequestsPortalFactory>, IAsyncLifetime
{
    private readonly Browser _browser = new();

    public Task InitializeAsync() => _browser.InitializeAsync();

    public Task DisposeAsync() => _browser.DisposeAsync();

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
        Assert.Contains("Ombi lako limepokelewa", detailPage, StringComparison.Ordinal);
        Assert.Contains(reference, listPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Equal(1, await portal.ScalarAsync<long>(
            "SELECT count(*) FROM requests.requests r JOIN identity.accounts a ON a.id = r.account_id WHERE a.nin = @digits",
            new { digits = nin.Replace("-", "", StringComparison.Ordinal) }));
    }

    [Fact]
    public async Task A_citizen_applies_and_follows_the_application_on_a_phone_in_Kiswahili_without_JavaScript()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        var page = await _browser.NewPageAsync(javaScript: false);
        await page.GotoAsync(new Uri(portal.Address, "/account/sign-in").ToString());
        await page.GetByLabel("Namba ya Utambulisho wa Taifa (NIN)").FillAsync(nin);
        await page.GetByLabel("Nenosiri").FillAsync("Mti-Mrefu-Wa-Mwembe");
        await page.GetByRole(AriaRole.Button, new() { Name = "Endelea" }).ClickAsync();
        await page.GetByLabel("Namba ya uthibitisho").FillAsync(await portal.LatestCodeAsync(phone));
        await page.GetByRole(AriaRole.Button, new() { Name = "Ingia", Exact = true }).ClickAsync();

        await page.GotoAsync(new Uri(portal.Address, "/apply/rita-birth-certificate").ToString());
        await AssertAccessibleAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Endelea" }).ClickAsync();
        Assert.Contains("Tafadhali rekebisha yafuatayo", await page.ContentAsync(), StringComparison.Ordinal);
        await AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "requests-apply-errors-sw");
        await page.GetByLabel("Jina kamili la mtoto").FillAsync("Neema Baraka Mollel");
        await page.GetByLabel("Tarehe ya kuzaliwa").FillAsync("2026-10-01");
        await page.GetByLabel("Mahali alipozaliwa").FillAsync("Hospitali ya Mount Meru, Arusha");
        await page.GetByLabel("Ke", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Jina kamili la mama").FillAsync("Rehema Mollel");
        await page.GetByRole(AriaRole.Button, new() { Name = "Endelea" }).ClickAsync();
        Assert.Contains("Hakiki majibu yako", await page.InnerTextAsync("h1"), StringComparison.Ordinal);
        await AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "requests-review-sw");
        await page.GetByRole(AriaRole.Button, new() { Name = "Tuma ombi" }).ClickAsync();
        Assert.Matches("/maombi/SP-[0-9A-Z]{9}", page.Url);
        await AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "requests-sent-sw");
        await page.GotoAsync(new Uri(portal.Address, "/maombi").ToString());
        await AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "requests-mine-sw");
        await page.SetViewportSizeAsync(320, 640);
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 320"), "the list is wider than 320 px");
    }

    private static async Task AssertAccessibleAsync(IPage page)
    {
        var violations = await Browser.SeriousAccessibilityViolationsAsync(page);
        Assert.True(violations.Count == 0, Browser.Describe(violations));
    }

    [GeneratedRegex("<input(?=[^>]*type=\"hidden\")[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"")]
    private static partial Regex HiddenFields();
}
