using System.Net;

namespace ServicePortal.Host.Tests;

/// <summary>Every page's footer: help, contact, privacy and the accessibility statement, in both languages.</summary>
[Collection(WebShellCollection.Name)]
public sealed class FooterPagesTests(FailingPortalFactory portal)
{
    public static TheoryData<string, string, string> Pages => new()
    {
        { "/msaada", "Msaada", "Help" },
        { "/mawasiliano", "Wasiliana nasi", "Contact us" },
        { "/faragha", "Taarifa ya faragha", "Privacy notice" },
        { "/ufikivu", "Taarifa ya ufikivu", "Accessibility statement" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Each_footer_page_exists_in_Kiswahili_and_English(string path, string headingSw, string headingEn)
    {
        using var client = portal.CreateClient();

        var kiswahili = await client.GetAsync(path + "?lang=sw");
        var swHtml = await kiswahili.Content.ReadAsStringAsync();
        var english = await client.GetStringAsync(path + "?lang=en");

        Assert.Equal(HttpStatusCode.OK, kiswahili.StatusCode);
        Assert.Contains($"<h1>{headingSw}</h1>", swHtml, StringComparison.Ordinal);
        Assert.Contains($"<h1>{headingEn}</h1>", english, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/huduma")]
    [InlineData("/hakuna-ukurasa-huu")]
    public async Task Every_page_footer_links_help_contact_privacy_and_accessibility(string path)
    {
        using var client = portal.CreateClient();

        var html = await (await client.GetAsync(path)).Content.ReadAsStringAsync();
        var footer = html[html.IndexOf("<footer", StringComparison.Ordinal)..];

        foreach (var link in new[] { "/msaada", "/mawasiliano", "/faragha", "/ufikivu" })
        {
            Assert.Contains($"href=\"{link}\"", footer, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_contact_page_gives_the_helpdesk_phone_and_email_from_the_settings()
    {
        using var client = portal.CreateClient();

        var html = await client.GetStringAsync("/mawasiliano");

        Assert.Contains("href=\"tel:0800110000\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"mailto:msaada@huduma.example\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_privacy_and_accessibility_pages_say_what_is_kept_and_the_standard_aimed_at()
    {
        using var client = portal.CreateClient();

        var privacy = await client.GetStringAsync("/faragha?lang=en");
        var accessibility = await client.GetStringAsync("/ufikivu?lang=en");

        Assert.Contains("Personal Data Protection Act, 2022", privacy, StringComparison.Ordinal);
        Assert.Contains("essential cookies only", privacy, StringComparison.Ordinal);
        Assert.Contains("WCAG) version 2.2 at level AA", accessibility, StringComparison.Ordinal);
        Assert.Contains("Known limits", accessibility, StringComparison.Ordinal);
    }
}
