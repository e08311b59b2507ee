using System.Net;
using ServicePortal.DemoAgencies.Agencies.Nida;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// The steps of registering (and of resetting a password), as a person takes them over HTTP, for the people of
/// the demo national ID registry. The registry asks one of two questions at random; the answer is chosen by
/// reading the question on the page.
/// </summary>
internal static class RegistrationSteps
{
    public static RegisteredPerson Person(string firstName) =>
        NidaRegistry.SeededPeople.Single(p => p.FirstName == firstName);

    /// <summary>The form's fields for this person. A phone typed in (old forms had the field) is ignored by the portal.</summary>
    public static Dictionary<string, string?> Details(RegisteredPerson person, string? phone = null) => new()
    {
        ["Nin"] = person.Nin,
        ["FirstName"] = person.FirstName,
        ["LastName"] = person.LastName,
        ["Day"] = person.DateOfBirth.Day.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Month"] = person.DateOfBirth.Month.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Year"] = person.DateOfBirth.Year.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Phone"] = phone,
    };

    /// <summary>What the person answers to the question on this page (mother's first name or region of birth).</summary>
    public static string AnswerTo(string page, RegisteredPerson person)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(person);
        if (page.Contains("Jina la kwanza la mama yako", StringComparison.Ordinal) ||
            page.Contains("mother&#x27;s first name", StringComparison.Ordinal))
        {
            return person.MothersFirstName;
        }

        Assert.True(page.Contains("Ulizaliwa katika mkoa gani", StringComparison.Ordinal) ||
                    page.Contains("In which region were you born", StringComparison.Ordinal), "the page asks no registry question");
        return person.RegionOfBirth;
    }

    /// <summary>
    /// Gives the details (at <paramref name="start"/>) and answers the registry's question rightly: registering, the
    /// next step is choosing the phone; resetting, the code is on its way to the account's phone.
    /// </summary>
    public static async Task ProveIdentityAsync(this FormClient browser, RegisteredPerson person, string? phone = null,
        string start = "/account/register")
    {
        ArgumentNullException.ThrowIfNull(browser);
        var details = await browser.SubmitAsync(start, Details(person, phone));
        Assert.Equal(HttpStatusCode.Redirect, details.StatusCode);
        Assert.StartsWith("/account/register/question", details.Headers.Location!.OriginalString, StringComparison.Ordinal);

        await browser.GetAsync("/account/register/question");
        var answered = await browser.SubmitAsync("/account/register/question",
            new Dictionary<string, string?> { ["Answer"] = AnswerTo(browser.LastPage, person) });
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        Assert.StartsWith(start == "/account/register" ? "/account/register/phone" : "/account/register/code",
            answered.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    /// <summary>Chooses the registry's number at <paramref name="position"/> (shown masked); the code goes to it.</summary>
    public static async Task<string> ChoosePhoneAsync(this FormClient browser, RegisteredPerson person, int position = 0)
    {
        ArgumentNullException.ThrowIfNull(browser);
        ArgumentNullException.ThrowIfNull(person);
        var chosen = await browser.SubmitAsync("/account/register/phone",
            new Dictionary<string, string?> { ["Choice"] = position.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.StartsWith("/account/register/code", chosen.Headers.Location!.OriginalString, StringComparison.Ordinal);
        return person.Phones[position];
    }

    /// <summary>Types the code texted to <paramref name="phone"/> on the code page.</summary>
    public static async Task ConfirmPhoneAsync(this IdentityPortalFactory portal, FormClient browser, string phone,
        string next = "/account/register/password")
    {
        ArgumentNullException.ThrowIfNull(portal);
        ArgumentNullException.ThrowIfNull(browser);
        var confirmed = await browser.SubmitAsync("/account/register/code",
            new Dictionary<string, string?> { ["Code"] = await portal.LatestCodeAsync(phone) });
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.StartsWith(next, confirmed.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    public static Task<HttpResponseMessage> ChoosePasswordAsync(this FormClient browser, string password, string? confirm = null,
        string? formPage = null)
    {
        ArgumentNullException.ThrowIfNull(browser);
        return browser.SubmitAsync("/account/register/password",
            new Dictionary<string, string?> { ["Password"] = password, ["Confirm"] = confirm ?? password }, formPage);
    }

    /// <summary>
    /// The whole registration with the registry's number at <paramref name="position"/>, ending signed in on the
    /// "account created" confirmation page.
    /// </summary>
    public static async Task RegisterAsync(this IdentityPortalFactory portal, FormClient browser, RegisteredPerson person,
        string password, int position = 0)
    {
        await browser.ProveIdentityAsync(person);
        var phone = await browser.ChoosePhoneAsync(person, position);
        await portal.ConfirmPhoneAsync(browser, phone);
        var done = await browser.ChoosePasswordAsync(password);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("/account/register/done", done.Headers.Location!.OriginalString);
    }

    /// <summary>A NIN's digits alone, as the portal stores it.</summary>
    public static string Digits(string nin) => new([.. nin.Where(char.IsAsciiDigit)]);

    /// <summary>
    /// Starting at <paramref name="start"/> (registering or resetting) with the details of an account the registry does
    /// not know, then with another NIN: the same refusal, so whether a NIN has an account is told only to someone whose
    /// details match the register.
    /// </summary>
    public static async Task AssertAccountExistenceIsNotToldAsync(PortalFactory portal, string start)
    {
        ArgumentNullException.ThrowIfNull(portal);
        var (nin, _) = await portal.CreateAccountAsync(); // an account whose NIN the registry does not know
        using var browser = portal.CreateFormClient();
        var fields = new Dictionary<string, string?>
        {
            ["Nin"] = nin, ["FirstName"] = "Rehema", ["LastName"] = "Mollel", ["Day"] = "14", ["Month"] = "2", ["Year"] = "1988",
        };

        await browser.SubmitAsync(start, fields);
        var withAccount = ErrorSummary(browser.LastPage);
        fields["Nin"] = "19880214" + string.Concat(nin.Skip(8).Reverse());
        await browser.SubmitAsync(start, fields);
        var withoutAccount = ErrorSummary(browser.LastPage);

        Assert.Contains("Taarifa hizi hazilingani na Daftari la Utambulisho wa Taifa", withAccount, StringComparison.Ordinal);
        Assert.Equal(withoutAccount, withAccount);
    }

    /// <summary>The error summary of a page: what it says went wrong.</summary>
    public static string ErrorSummary(string page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var start = page.IndexOf("<div class=\"error-summary\"", StringComparison.Ordinal);
        Assert.True(start >= 0, "the page shows no error summary");
        var end = page.IndexOf("</div>", start, StringComparison.Ordinal);
        return page[start..end];
    }

    /// <summary>In a browser, fills in the first registration page (NIN, names, date of birth) for <paramref name="person"/>.</summary>
    public static async Task FillDetailsAsync(Microsoft.Playwright.IPage page, RegisteredPerson person)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        await page.GetByLabel("Namba ya Utambulisho wa Taifa (NIN)").FillAsync(person.Nin);
        await page.GetByLabel("Jina la kwanza").FillAsync(person.FirstName);
        await page.GetByLabel("Jina la ukoo").FillAsync(person.LastName);
        await page.GetByLabel("Siku", new() { Exact = true }).FillAsync(person.DateOfBirth.Day.ToString(invariant));
        await page.GetByLabel("Mwezi", new() { Exact = true }).FillAsync(person.DateOfBirth.Month.ToString(invariant));
        await page.GetByLabel("Mwaka", new() { Exact = true }).FillAsync(person.DateOfBirth.Year.ToString(invariant));
    }
}
