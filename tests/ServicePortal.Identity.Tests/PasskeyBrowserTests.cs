using System.Text.Json;
using Microsoft.Playwright;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// The portal on a real port, reached as http://localhost (a passkey's relying party id must be a domain, never an IP
/// address), with the relying party id and origin configured as a deployment would.
/// </summary>
public sealed class PasskeyPortalFactory : IdentityPortalFactory
{
    public Uri Origin { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var port = HostProcess.FreePort();
        Origin = new Uri($"http://localhost:{port}/");
        With("Identity:AllowHttp", "true");
        With("Identity:Passkeys:RelyingPartyId", "localhost");
        With("Identity:Passkeys:Origins:0", $"http://localhost:{port}");
        ServerAddress = StartKestrel(port);
    }
}

/// <summary>
/// Passkeys in Debian's Chromium with its virtual authenticator (DevTools' WebAuthn domain: CTAP2, built in, resident
/// keys, user verification): a citizen adds a passkey on the account page, signs out, and signs in with the password
/// and the passkey; the same answer sent again is refused; without JavaScript the page says a passkey needs it.
/// </summary>
public sealed class PasskeyBrowserTests(PasskeyPortalFactory portal, Browser browser) : IClassFixture<PasskeyPortalFactory>, IClassFixture<Browser>
{
    private const string Password = "Mti-Mrefu-Wa-Mwembe";

    [Fact]
    public async Task A_citizen_adds_a_passkey_and_signs_in_with_it_and_a_replayed_answer_is_refused()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var page = await browser.NewPageAsync(320, 740);
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });

        await SignInWithCodeAsync(page, nin, phone);
        await page.GotoAsync(Url("/account/passkeys"));
        Assert.False(await page.Locator("[data-passkey-nojs]").IsVisibleAsync());
        await page.GetByLabel("Jina la passkey").FillAsync("Simu yangu");
        await Browser.ClickAndWaitForAsync(page, "Ongeza passkey kwenye kifaa hiki", "**/account/passkeys?done=added", () => portal.Logs.Recent());
        Assert.Contains("Simu yangu", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Empty(await Browser.SeriousAccessibilityViolationsAsync(page));
        Assert.Equal(1, await portal.CountAsync(
            "SELECT count(*) FROM identity.passkeys p JOIN identity.accounts a ON a.id = p.account_id WHERE a.nin = @nin AND p.name = 'Simu yangu'", new { nin }));

        // Sign out, then in again: the password, then the passkey instead of the code. Its answer is kept to send again.
        await Browser.ClickAndWaitForAsync(page, "Toka", "**/account/signed-out");
        string? answer = null;
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.Contains("handler=Passkey", StringComparison.Ordinal))
            {
                answer = System.Web.HttpUtility.ParseQueryString(request.PostData ?? "")["Credential"];
            }
        };
        await SignInPasswordAsync(page, nin);
        await Browser.ClickAndWaitForAsync(page, "Ingia kwa passkey", "**/account", () => portal.Logs.Recent());
        Assert.Equal("Akaunti yangu", await page.InnerTextAsync("h1"));
        Assert.NotNull(answer);
        Assert.Equal(1, await portal.CountAsync(
            "SELECT count(*) FROM identity.passkeys p JOIN identity.accounts a ON a.id = p.account_id WHERE a.nin = @nin AND p.last_used_at IS NOT NULL",
            new { nin }));

        // The same answer, sent for a new sign-in: its challenge was spent (and was another sign-in's), so it is refused.
        await Browser.ClickAndWaitForAsync(page, "Toka", "**/account/signed-out");
        await SignInPasswordAsync(page, nin);
        await page.EvaluateAsync(
            "answer => { const form = document.querySelector('form[data-passkey]'); form.querySelector('input[name=Credential]').value = answer; form.submit(); }",
            answer);
        await page.ArriveAsync("**/account/sign-in/code**");
        await Microsoft.Playwright.Assertions.Expect(page.Locator("main")).ToContainTextAsync("Passkey haikukubaliwa");
        Assert.Equal(0, await portal.CountAsync(
            "SELECT count(*) FROM identity.sessions s JOIN identity.accounts a ON a.id = s.account_id WHERE a.nin = @nin AND s.ended_at IS NULL", new { nin }));
    }

    [Fact]
    public async Task Without_JavaScript_the_passkey_page_says_a_passkey_needs_it_and_offers_no_form()
    {
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        var page = await browser.NewPageAsync(320, 740, javaScript: false);
        await SignInWithCodeAsync(page, nin, phone);

        await page.GotoAsync(Url("/account/passkeys"));

        Assert.Contains("Kuongeza au kutumia passkey kunahitaji JavaScript", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.False(await page.GetByRole(AriaRole.Button, new() { Name = "Ongeza passkey kwenye kifaa hiki" }).IsVisibleAsync());
        // Nothing wider than a 320 px screen.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 320"));
    }

    private async Task SignInPasswordAsync(IPage page, string nin)
    {
        await page.GotoAsync(Url("/account/sign-in"));
        await page.GetByLabel("Namba ya Utambulisho wa Taifa (NIN)").FillAsync(nin);
        await page.GetByLabel("Nenosiri", new() { Exact = true }).FillAsync(Password);
        await Browser.ClickAndWaitForAsync(page, "Endelea", "**/account/sign-in/code**", () => portal.Logs.Recent());
    }

    private async Task SignInWithCodeAsync(IPage page, string nin, string phone)
    {
        await SignInPasswordAsync(page, nin);
        await page.GetByLabel("Namba ya uthibitisho", new() { Exact = true }).FillAsync(await portal.LatestCodeAsync(phone));
        await Browser.ClickAndWaitForAsync(page, "Ingia", "**/account", () => portal.Logs.Recent());
    }

    private string Url(string path) => new Uri(portal.Origin, path).ToString();
}
