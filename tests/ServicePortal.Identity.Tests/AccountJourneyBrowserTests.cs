using Microsoft.Playwright;
using ServicePortal.DemoAgencies.Agencies.Nida;
using static ServicePortal.Identity.Tests.RegistrationSteps;
using static ServicePortal.Testing.BrowserJourneys;

namespace ServicePortal.Identity.Tests;

/// <summary>The portal and the demo registry on real ports for the account journey (a database and registry of its own).</summary>
public sealed class AccountJourneyPortalFactory : RegistryPortalFactory;

/// <summary>
/// The citizen's account journey of issue 11 in Debian's Chromium on a phone-sized screen (360×740), Kiswahili first,
/// axe on every page: register, the "account created" page, sign out from the header, the signed-out page, sign in
/// again from a catalogue page and land back on it, change the password, see the sign-in among the recent ones.
/// </summary>
public sealed class AccountJourneyBrowserTests : IClassFixture<AccountJourneyPortalFactory>, IAsyncLifetime
{
    private const string Password = "Jua-Kali-La-Mchana";
    private const string NewPassword = "Ndizi-Tamu-Za-Kagera";
    private readonly Browser _browser = new();
    private readonly AccountJourneyPortalFactory _portal;
    private readonly Uri _address;

    public AccountJourneyBrowserTests(AccountJourneyPortalFactory portal)
    {
        ArgumentNullException.ThrowIfNull(portal);
        _portal = portal;
        _address = portal.ServerAddress ??= portal.StartKestrel();
    }

    public Task InitializeAsync() => _browser.InitializeAsync();

    public Task DisposeAsync() => _browser.DisposeAsync();

    [Fact]
    public async Task Registers_signs_out_from_the_header_signs_in_back_to_the_catalogue_changes_the_password_and_sees_the_sign_in()
    {
        var fatuma = Person("Fatuma");
        var phone = fatuma.Phones[0];
        var page = await _browser.NewPageAsync(width: 360, height: 740);

        // Registering, with the region (if the registry asks it) chosen from the list.
        await page.GotoAsync(Url("/account/register"));
        await AssertAccessibleAsync(page);
        await FillDetailsAsync(page, fatuma);
        await ClickAsync(page, "Endelea", "**/account/register/question**");
        await AssertAccessibleAsync(page);
        var question = await page.InnerTextAsync("label[for=Answer]");
        if (await page.Locator("select#Answer").CountAsync() == 1)
        {
            await page.GetByLabel(question, new() { Exact = true }).SelectOptionAsync(AnswerTo(question, fatuma));
        }
        else
        {
            await page.GetByLabel(question, new() { Exact = true }).FillAsync(AnswerTo(question, fatuma));
        }

        await ClickAsync(page, "Endelea", "**/account/register/phone**");
        await AssertAccessibleAsync(page);
        await page.GetByLabel("+255 7** *** 005").CheckAsync();
        await ClickAsync(page, "Tuma namba ya uthibitisho", "**/account/register/code**");
        await AssertAccessibleAsync(page);
        await page.GetByLabel("Namba ya uthibitisho", new() { Exact = true }).FillAsync(await _portal.LatestCodeAsync(phone));
        await ClickAsync(page, "Endelea", "**/account/register/password**");
        await AssertAccessibleAsync(page);

        // Show password: the script's button beside each password input.
        var newPassword = page.GetByLabel("Nenosiri jipya", new() { Exact = true });
        await newPassword.FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Onyesha nenosiri" }).First.ClickAsync();
        Assert.Equal("text", await newPassword.GetAttributeAsync("type"));
        await AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "account-show-password-360");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ficha nenosiri" }).First.ClickAsync();
        Assert.Equal("password", await newPassword.GetAttributeAsync("type"));
        await page.GetByLabel("Andika nenosiri tena").FillAsync(Password);
        await ClickAsync(page, "Hifadhi na uingie", "**/account/register/done**");

        Assert.Equal("Akaunti yako imefunguliwa", await page.InnerTextAsync("h1"));
        await AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "account-created-360");

        // Sign out from the header (a shared phone), to the signed-out page.
        await ClickAsync(page, "Toka", "**/account/signed-out");
        Assert.Equal("Umetoka", await page.InnerTextAsync("h1"));
        await AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "account-signed-out-360");

        // From a catalogue page, "Ingia" in the header, and back to that page.
        await page.GotoAsync(Url("/huduma?q=leseni"));
        await page.Locator("header").GetByRole(AriaRole.Link, new() { Name = "Ingia", Exact = true }).ClickAsync();
        await page.ArriveAsync("**/account/sign-in?returnUrl=%2Fhuduma%3Fq%3Dleseni");
        await AssertAccessibleAsync(page);
        await page.GetByLabel("Namba ya Utambulisho wa Taifa (NIN)").FillAsync(fatuma.Nin);
        await page.GetByLabel("Nenosiri", new() { Exact = true }).FillAsync(Password);
        await ClickAsync(page, "Endelea", "**/account/sign-in/code**");
        await AssertAccessibleAsync(page);
        await page.GetByLabel("Namba ya uthibitisho", new() { Exact = true }).FillAsync(await _portal.LatestCodeAsync(phone));
        await ClickAsync(page, "Ingia", "**/huduma?q=leseni");
        await AssertAccessibleAsync(page);

        // Change the password from the account page.
        await page.Locator("header").GetByRole(AriaRole.Link, new() { Name = "Akaunti yangu", Exact = true }).ClickAsync();
        await page.ArriveAsync("**/account");
        await page.GetByRole(AriaRole.Link, new() { Name = "Badilisha nenosiri", Exact = true }).ClickAsync();
        await page.ArriveAsync("**/account/password");
        await AssertAccessibleAsync(page);
        await page.GetByLabel("Nenosiri la sasa", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Nenosiri jipya", new() { Exact = true }).FillAsync(NewPassword);
        await page.GetByLabel("Andika nenosiri jipya tena", new() { Exact = true }).FillAsync(NewPassword);
        await Browser.ScreenshotAsync(page, "account-change-password-360");
        await ClickAsync(page, "Hifadhi nenosiri jipya", "**/account/password/done");
        Assert.Equal("Nenosiri lako limebadilishwa", await page.InnerTextAsync("h1"));
        await AssertAccessibleAsync(page);

        // The sign-in just made is the newest of the recent ones, in plain words.
        await page.GotoAsync(Url("/account"));
        await AssertAccessibleAsync(page);
        var signIns = page.Locator("ul.sign-ins > li");
        Assert.Equal(2, await signIns.CountAsync()); // registering, then the sign-in (the change of password is not one)
        var newest = await signIns.First.InnerTextAsync();
        Assert.Contains("Chrome kwenye Linux", newest, StringComparison.Ordinal);
        Assert.Contains("127.0.0.x", newest, StringComparison.Ordinal);
        await page.Locator("#recent-sign-ins").ScrollIntoViewIfNeededAsync();
        await Browser.ScreenshotAsync(page, "account-recent-sign-ins-360");
    }

    [Fact]
    public async Task The_region_question_is_a_list_of_the_31_regions_that_works_on_a_phone()
    {
        var emmanuel = Person("Emmanuel");
        var page = await _browser.NewPageAsync(width: 360, height: 740);
        await page.GotoAsync(Url("/account/register"));
        await FillDetailsAsync(page, emmanuel);
        await ClickAsync(page, "Endelea", "**/account/register/question**");
        // The registry picks its question at random; this registration's is made the region's, to see that page.
        await _portal.ExecuteAsync(
            """
            UPDATE identity.registrations SET question_kind = 'region_of_birth', question_sw = 'Ulizaliwa katika mkoa gani?',
                                              question_en = 'In which region were you born?'
            WHERE nin = @nin
            """,
            new { nin = new string([.. emmanuel.Nin.Where(char.IsAsciiDigit)]) });
        await page.ReloadAsync();

        var regions = page.GetByLabel(await page.InnerTextAsync("label[for=Answer]"), new() { Exact = true });
        Assert.Equal("select", await regions.EvaluateAsync<string>("e => e.tagName.toLowerCase()"));
        Assert.Equal(32, await regions.Locator("option").CountAsync()); // "Chagua mkoa" and the 31
        await AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "account-register-question-360");

        // Nothing chosen: asked to choose, on the page, with the same tries left.
        await ClickAsync(page, "Endelea", "**/account/register/question**");
        Assert.Contains("Chagua mkoa ulikozaliwa.", await page.InnerTextAsync(".error-summary"), StringComparison.Ordinal);
        Assert.Contains("Umebakiza majaribio 3.", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "account-register-question-error-360");
    }

    [Fact]
    public async Task Without_JavaScript_a_password_input_is_a_plain_password_input_and_with_it_can_be_shown()
    {
        var without = await _browser.NewPageAsync(javaScript: false);
        await without.GotoAsync(Url("/account/sign-in"));
        var password = without.GetByLabel("Nenosiri", new() { Exact = true });
        Assert.Equal("password", await password.GetAttributeAsync("type"));
        Assert.Equal(0, await without.GetByRole(AriaRole.Button, new() { Name = "Onyesha nenosiri" }).CountAsync());

        var with = await _browser.NewPageAsync();
        await with.GotoAsync(Url("/account/sign-in"));
        var shown = with.GetByLabel("Nenosiri", new() { Exact = true });
        await shown.FillAsync("siri-yangu");
        var button = with.GetByRole(AriaRole.Button, new() { Name = "Onyesha nenosiri" });
        Assert.Equal("Onyesha", await button.InnerTextAsync());
        await button.ClickAsync();
        Assert.Equal("text", await shown.GetAttributeAsync("type"));
        Assert.Equal("Ficha", await with.GetByRole(AriaRole.Button, new() { Name = "Ficha nenosiri" }).InnerTextAsync());
        Assert.Equal("siri-yangu", await shown.InputValueAsync());
        await AssertAccessibleAsync(with);
    }

    private string Url(string path) => new Uri(_address, path).ToString();

    // A click that never arrives reports the page it stayed on and both servers' last log lines.
    private Task ClickAsync(IPage page, string button, string expectedUrl) =>
        Browser.ClickAndWaitForAsync(page, button, expectedUrl,
            () => _portal.Logs.Recent() + Environment.NewLine + _portal.RegistryLogs.Recent());
}
