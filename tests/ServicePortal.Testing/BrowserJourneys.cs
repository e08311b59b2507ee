using Microsoft.Playwright;
using Xunit;

namespace ServicePortal.Testing;

/// <summary>
/// Steps that many browser journeys share: signing a person in through the pages, and the checks every page of a
/// journey must pass. One copy, so a change to the sign-in pages is followed in one place.
/// </summary>
public static class BrowserJourneys
{
    /// <summary>
    /// Opens a new phone-sized page and signs <paramref name="nin"/> in through <c>/account/sign-in</c> (password, then
    /// the code: the SMS the portal sent to <paramref name="phone"/>, or a staff member's authenticator code, since SMS alone
    /// gives staff no role: <see cref="PortalFactory.SignInCodeAsync"/>; the password is <see cref="PortalFactory.CreateAccountAsync"/>'s
    /// unless told); returns the page on <c>/account</c>. A sign-in that
    /// never arrives reports the page it stayed on and the portal's last log lines.
    /// </summary>
    public static async Task<IPage> SignInWithBrowserAsync(this PortalFactory portal, Browser browser, string nin, string phone,
        string password = "Mti-Mrefu-Wa-Mwembe", int width = 360, int height = 740)
    {
        ArgumentNullException.ThrowIfNull(portal);
        ArgumentNullException.ThrowIfNull(browser);
        var address = portal.ServerAddress ?? throw new InvalidOperationException("Start the portal's Kestrel first (StartKestrel).");
        var page = await browser.NewPageAsync(width, height);
        await page.GotoAsync(new Uri(address, "/account/sign-in").ToString());
        await page.GetByLabel("Namba ya Utambulisho wa Taifa (NIN)").FillAsync(nin);
        await page.GetByLabel("Nenosiri", new() { Exact = true }).FillAsync(password);
        await Browser.ClickAndWaitForAsync(page, "Endelea", "**/account/sign-in/code**", () => portal.Logs.Recent());
        await page.GetByLabel("Namba ya uthibitisho", new() { Exact = true }).FillAsync(await portal.SignInCodeAsync(phone));
        await Browser.ClickAndWaitForAsync(page, "Ingia", "**/account", () => portal.Logs.Recent());
        return page;
    }

    /// <summary>Axe finds nothing serious or critical on the page.</summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var violations = await Browser.SeriousAccessibilityViolationsAsync(page);
        Assert.True(violations.Count == 0, $"{page.Url}: {Browser.Describe(violations)}");
    }

    /// <summary>Axe finds nothing serious or critical, and nothing is wider than the phone's screen.</summary>
    public static async Task AssertAccessibleAndNarrowAsync(IPage page, string what)
    {
        ArgumentNullException.ThrowIfNull(page);
        var violations = await Browser.SeriousAccessibilityViolationsAsync(page);
        Assert.True(violations.Count == 0, what + Environment.NewLine + Browser.Describe(violations));
        var width = page.ViewportSize!.Width;
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        var wide = scrollWidth <= width ? "" : await page.EvaluateAsync<string>(
            "w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w)" +
            ".map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 40)).slice(0, 8).join(' | ')", width);
        Assert.True(scrollWidth <= width, $"{what} is {scrollWidth} px wide on a {width} px screen: {wide}");
    }
}
