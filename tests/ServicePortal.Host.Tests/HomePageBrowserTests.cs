using Microsoft.Playwright;

namespace ServicePortal.Host.Tests;

/// <summary>The portal on a real port, in Debian's Chromium: what a person on a phone sees.</summary>
public sealed class BrowserPortalFactory : PortalFactory;

public sealed class HomePageBrowserTests : IClassFixture<BrowserPortalFactory>, IClassFixture<Browser>
{
    private readonly Browser _browser;
    private readonly Uri _portal;

    public HomePageBrowserTests(BrowserPortalFactory portal, Browser browser)
    {
        _browser = browser;
        ArgumentNullException.ThrowIfNull(portal);
        _portal = portal.ServerAddress ??= portal.StartKestrel();
    }

    [Fact]
    public async Task Home_page_in_Kiswahili_then_English_with_no_serious_accessibility_issue()
    {
        var page = await _browser.NewPageAsync();

        await page.GotoAsync(_portal.ToString());
        Assert.Equal("sw", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("Huduma zote za Serikali, mahali pamoja", await page.InnerTextAsync("h1"));
        var kiswahili = await Browser.SeriousAccessibilityViolationsAsync(page);
        Assert.True(kiswahili.Count == 0, Browser.Describe(kiswahili));
        await Browser.ScreenshotAsync(page, "home-sw");

        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("Every government service, in one place", await page.InnerTextAsync("h1"));
        var english = await Browser.SeriousAccessibilityViolationsAsync(page);
        Assert.True(english.Count == 0, Browser.Describe(english));
        await Browser.ScreenshotAsync(page, "home-en");

        // The choice is remembered: the plain address now opens in English.
        await page.GotoAsync(_portal.ToString());
        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
    }

    [Fact]
    public async Task Works_without_JavaScript_at_320_pixels_wide()
    {
        var page = await _browser.NewPageAsync(width: 320, height: 640, javaScript: false);

        await page.GotoAsync(_portal.ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Kiswahili" }).ClickAsync();

        Assert.Equal("sw", await page.GetAttributeAsync("html", "lang"));
        var skip = page.GetByRole(AriaRole.Link, new() { Name = "Ruka hadi maudhui" });
        Assert.Equal("#main", await skip.GetAttributeAsync("href"));
        Assert.Equal(1, await page.Locator("header").CountAsync());
        Assert.Equal(1, await page.Locator("main#main").CountAsync());
        Assert.Equal(1, await page.Locator("footer").CountAsync());
    }

    [Fact]
    public async Task Nothing_overflows_sideways_on_a_320_pixel_screen()
    {
        var page = await _browser.NewPageAsync(width: 320, height: 640);

        await page.GotoAsync(_portal.ToString());
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");

        Assert.True(scrollWidth <= 320, $"the page is {scrollWidth} px wide on a 320 px screen");
        await Browser.ScreenshotAsync(page, "home-sw-320");
    }

    [Fact]
    public async Task The_404_page_is_localized_and_accessible()
    {
        var page = await _browser.NewPageAsync();

        var response = await page.GotoAsync(new Uri(_portal, "/hakuna-kitu").ToString());

        Assert.Equal(404, response!.Status);
        Assert.Equal("Ukurasa haupatikani", await page.InnerTextAsync("h1"));
        var violations = await Browser.SeriousAccessibilityViolationsAsync(page);
        Assert.True(violations.Count == 0, Browser.Describe(violations));
    }

    [Theory]
    [InlineData("/msaada")]
    [InlineData("/mawasiliano")]
    [InlineData("/faragha")]
    [InlineData("/ufikivu?lang=en")]
    public async Task The_footer_pages_have_no_serious_accessibility_issue_at_360_and_fit_320_without_JavaScript(string path)
    {
        var phone = await _browser.NewPageAsync();
        var response = await phone.GotoAsync(new Uri(_portal, path).ToString());
        Assert.Equal(200, response!.Status);
        var violations = await Browser.SeriousAccessibilityViolationsAsync(phone);
        Assert.True(violations.Count == 0, Browser.Describe(violations));
        await Browser.ScreenshotAsync(phone, "footer" + path.Replace('/', '-').Replace('?', '-').Replace('=', '-') + "-360");

        var narrow = await _browser.NewPageAsync(width: 320, height: 640, javaScript: false);
        await narrow.GotoAsync(new Uri(_portal, path).ToString());
        var scrollWidth = await narrow.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 320, $"{path} is {scrollWidth} px wide on a 320 px screen");
    }

    [Fact]
    public async Task From_the_404_page_a_person_searches_the_catalogue()
    {
        var page = await _browser.NewPageAsync(javaScript: false);

        await page.GotoAsync(new Uri(_portal, "/huduma-ya-zamani").ToString());
        await page.GetByLabel("Tafuta huduma").FillAsync("pasipoti");
        await page.GetByRole(AriaRole.Button, new() { Name = "Tafuta" }).ClickAsync();

        Assert.Contains("/huduma?q=pasipoti", page.Url, StringComparison.Ordinal);
        Assert.Equal("Matokeo ya “pasipoti”", await page.InnerTextAsync("h1"));
        await Browser.ScreenshotAsync(page, "404-search-sw-360");
    }
}
