using Microsoft.Playwright;
using ServicePortal.DemoAgencies.Agencies.Nida;
using static ServicePortal.Identity.Tests.RegistrationSteps;
using static ServicePortal.Testing.BrowserJourneys;

namespace ServicePortal.Identity.Tests;

/// <summary>The portal and the demo registry on real ports, in Debian's Chromium: what a person on a phone sees.</summary>
public sealed class IdentityBrowserPortalFactory : RegistryPortalFactory;

public sealed class IdentityBrowserTests : IClassFixture<IdentityBrowserPortalFactory>, IClassFixture<Browser>
{
    private const string Password = "Jua-Kali-La-Mchana";
    private readonly Browser _browser;
    private readonly IdentityBrowserPortalFactory _portal;
    private readonly Uri _address;

    public IdentityBrowserTests(IdentityBrowserPortalFactory portal, Browser browser)
    {
        _browser = browser;
        ArgumentNullException.ThrowIfNull(portal);
        _portal = portal;
        _address = portal.ServerAddress ??= portal.StartKestrel();
    }

    [Fact]
    public async Task Registers_signs_out_and_signs_in_again_without_JavaScript()
    {
        var amina = Person("Amina");
        var page = await _browser.NewPageAsync(javaScript: false);

        await page.GotoAsync(Url("/account/register"));
        Assert.Equal("username", await page.GetByLabel("Namba ya Utambulisho wa Taifa (NIN)").GetAttributeAsync("autocomplete"));
        await FillDetailsAsync(page, amina);
        await ClickAsync(page, "Endelea", "**/account/register/question**");
        await AnswerAsync(page, amina);
        await ClickAsync(page, "Endelea", "**/account/register/phone**");
        await page.GetByLabel("+255 7** *** 001").CheckAsync();
        await ClickAsync(page, "Tuma namba ya uthibitisho", "**/account/register/code**");
        var code = page.GetByLabel("Namba ya uthibitisho", new() { Exact = true });
        Assert.Equal("one-time-code", await code.GetAttributeAsync("autocomplete"));
        await code.FillAsync(await _portal.LatestCodeAsync("+255700000001"));
        await ClickAsync(page, "Endelea", "**/account/register/password**");
        Assert.Equal("new-password", await page.GetByLabel("Nenosiri jipya").GetAttributeAsync("autocomplete"));
        Assert.Equal("new-password", await page.GetByLabel("Andika nenosiri tena").GetAttributeAsync("autocomplete"));
        await page.GetByLabel("Nenosiri jipya").FillAsync(Password);
        await page.GetByLabel("Andika nenosiri tena").FillAsync(Password);
        await ClickAsync(page, "Hifadhi na uingie", "**/account/register/done**");
        await page.GotoAsync(Url("/account"));

        Assert.Equal("Akaunti yangu", await page.InnerTextAsync("h1"));
        Assert.Contains("Amina Hassan Mwakyusa", await page.InnerTextAsync("main"), StringComparison.Ordinal);

        await ClickAsync(page, "Toka", "**/account/signed-out");
        await page.GotoAsync(Url("/account/sign-in"));
        await page.GetByLabel("Namba ya Utambulisho wa Taifa (NIN)").FillAsync(amina.Nin);
        await page.GetByLabel("Nenosiri", new() { Exact = true }).FillAsync(Password);
        await ClickAsync(page, "Endelea", "**/account/sign-in/code**");
        await page.GetByLabel("Namba ya uthibitisho", new() { Exact = true }).FillAsync(await _portal.LatestCodeAsync("+255700000001"));
        await ClickAsync(page, "Ingia", "**/account");

        Assert.Equal("Akaunti yangu", await page.InnerTextAsync("h1"));
        Assert.Contains("nenosiri na namba ya uthibitisho", await page.InnerTextAsync("main"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_page_of_registering_and_signing_in_has_no_serious_accessibility_issue()
    {
        var juma = Person("Juma");
        var page = await _browser.NewPageAsync();

        await page.GotoAsync(Url("/account/register"));
        await AssertAccessibleAsync(page);
        await ClickAsync(page, "Endelea", "**/account/register");
        Assert.Equal("Kuna tatizo", await page.InnerTextAsync(".error-summary h2"));
        await AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "identity-register-errors");

        await FillDetailsAsync(page, juma);
        await ClickAsync(page, "Endelea", "**/account/register/question**");
        await AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "identity-register-question");
        await AnswerAsync(page, juma);
        await ClickAsync(page, "Endelea", "**/account/register/phone**");
        await AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "identity-register-phone");
        await ClickAsync(page, "Tuma namba ya uthibitisho", "**/account/register/code**");
        await AssertAccessibleAsync(page);
        await page.GetByLabel("Namba ya uthibitisho", new() { Exact = true }).FillAsync(await _portal.LatestCodeAsync("+255700000002"));
        await ClickAsync(page, "Endelea", "**/account/register/password**");
        await AssertAccessibleAsync(page);
        await page.GetByLabel("Nenosiri jipya").FillAsync(Password);
        await page.GetByLabel("Andika nenosiri tena").FillAsync(Password);
        await ClickAsync(page, "Hifadhi na uingie", "**/account/register/done**");
        await AssertAccessibleAsync(page);
        await page.GotoAsync(Url("/account"));
        await AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "identity-account-360");

        await ClickAsync(page, "Toka", "**/account/signed-out");
        await page.GotoAsync(Url("/account/sign-in"));
        await AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "identity-sign-in");
        await page.GetByLabel("Namba ya Utambulisho wa Taifa (NIN)").FillAsync(juma.Nin);
        await page.GetByLabel("Nenosiri", new() { Exact = true }).FillAsync(Password);
        await ClickAsync(page, "Endelea", "**/account/sign-in/code**");
        await AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "identity-sign-in-code");
    }

    [Fact]
    public async Task The_sign_in_inputs_tell_password_managers_what_they_hold()
    {
        var (nin, _) = await _portal.CreateAccountAsync(Password);
        var page = await _browser.NewPageAsync(javaScript: false);

        await page.GotoAsync(Url("/account/sign-in"));
        var ninInput = page.GetByLabel("Namba ya Utambulisho wa Taifa (NIN)");
        var password = page.GetByLabel("Nenosiri", new() { Exact = true });
        Assert.Equal("username", await ninInput.GetAttributeAsync("autocomplete"));
        Assert.Equal("current-password", await password.GetAttributeAsync("autocomplete"));
        Assert.Equal("password", await password.GetAttributeAsync("type"));
        await ninInput.FillAsync(nin);
        await password.FillAsync(Password);
        await ClickAsync(page, "Endelea", "**/account/sign-in/code**");

        var code = page.GetByLabel("Namba ya uthibitisho", new() { Exact = true });
        Assert.Equal("one-time-code", await code.GetAttributeAsync("autocomplete"));
        Assert.Equal("numeric", await code.GetAttributeAsync("inputmode"));
    }

    private string Url(string path) => new Uri(_address, path).ToString();

    /// <summary>Reads the registry's question (the answer field's label) and answers it.</summary>
    private static async Task AnswerAsync(IPage page, RegisteredPerson person)
    {
        var question = await page.InnerTextAsync("label[for=Answer]");
        // A region is chosen from the list of regions; other questions are typed.
        if (await page.Locator("select#Answer").CountAsync() == 1)
        {
            await page.Locator("select#Answer").SelectOptionAsync(AnswerTo(question, person));
        }
        else
        {
            await page.GetByLabel(question, new() { Exact = true }).FillAsync(AnswerTo(question, person));
        }
    }

    private Task ClickAsync(IPage page, string button, string expectedUrl) =>
        Browser.ClickAndWaitForAsync(page, button, expectedUrl,
            () => _portal.Logs.Recent() + Environment.NewLine + _portal.RegistryLogs.Recent());
}
