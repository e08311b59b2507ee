using Microsoft.Playwright;
using static ServicePortal.Testing.BrowserJourneys;

namespace ServicePortal.Catalog.Tests;

/// <summary>The catalogue on a real port, in Debian's Chromium, as a person on a phone uses it.</summary>
public sealed class CatalogBrowserFactory : CatalogPortalFactory;

public sealed class CatalogBrowserTests : IClassFixture<CatalogBrowserFactory>, IClassFixture<Browser>
{
    private readonly Browser _browser;
    private readonly Uri _portal;

    public CatalogBrowserTests(CatalogBrowserFactory portal, Browser browser)
    {
        _browser = browser;
        ArgumentNullException.ThrowIfNull(portal);
        _portal = portal.ServerAddress ??= portal.StartKestrel();
    }

    [Fact]
    public async Task Home_search_then_the_service_page_in_Kiswahili_without_JavaScript()
    {
        var page = await _browser.NewPageAsync(javaScript: false);

        await page.GotoAsync(_portal.ToString());
        Assert.Equal("Huduma zote za Serikali, mahali pamoja", await page.InnerTextAsync("h1"));
        await Browser.ScreenshotAsync(page, "catalog-home-sw");

        await page.GetByLabel("Tafuta huduma").FillAsync("cheti cha kuzaliwa");
        await page.GetByRole(AriaRole.Button, new() { Name = "Tafuta" }).ClickAsync();
        Assert.Contains("/huduma?q=", page.Url, StringComparison.Ordinal);
        var first = page.Locator("ol.results li h3 a").First;
        Assert.Equal("Cheti cha Kuzaliwa", await first.InnerTextAsync());
        await Browser.ScreenshotAsync(page, "catalog-results-sw");

        await first.ClickAsync();
        Assert.EndsWith("/huduma/rita-birth-certificate", page.Url, StringComparison.Ordinal);
        Assert.Equal("Cheti cha Kuzaliwa", await page.InnerTextAsync("h1"));
        Assert.Equal("sw", await page.GetAttributeAsync("html", "lang"));
        await Browser.ScreenshotAsync(page, "catalog-service-sw");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/huduma?q=cheti+cha+kuzaliwa")]
    [InlineData("/huduma/rita-birth-certificate")]
    [InlineData("/huduma/rita-birth-certificate?lang=en")]
    [InlineData("/taasisi/brela")]
    [InlineData("/huduma?pageSize=500")]
    public async Task Catalogue_pages_have_no_serious_accessibility_issue_and_fit_320_pixels(string path)
    {
        var page = await _browser.NewPageAsync(width: 320, height: 640);

        await page.GotoAsync(new Uri(_portal, path).ToString());
        await AssertAccessibleAsync(page);
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 320, $"{path} is {scrollWidth} px wide on a 320 px screen");
    }
}
