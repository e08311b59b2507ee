using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ServicePortal.Host.Tests;

[Collection(WebShellCollection.Name)]
public sealed class WebShellTests(FailingPortalFactory portal)
{
    [Fact]
    public async Task The_home_page_is_in_Kiswahili_by_default_even_for_an_English_browser()
    {
        using var client = portal.CreateClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-US,en;q=0.9");

        var html = await client.GetStringAsync("/");

        Assert.Contains("<html lang=\"sw\">", html, StringComparison.Ordinal);
        Assert.Contains("Huduma zote za Serikali, mahali pamoja", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/?lang=en\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lang_en_switches_to_English_and_the_choice_is_remembered()
    {
        using var client = portal.CreateClient(); // keeps cookies between requests

        var first = await client.GetAsync("/?lang=en");
        var english = await first.Content.ReadAsStringAsync();
        var later = await client.GetStringAsync("/");
        var back = await client.GetStringAsync("/?lang=sw");

        Assert.Contains("<html lang=\"en\">", english, StringComparison.Ordinal);
        Assert.Contains("Every government service, in one place", english, StringComparison.Ordinal);
        Assert.Contains(first.Headers.GetValues("Set-Cookie"), c => c.StartsWith("portal_lang=", StringComparison.Ordinal));
        Assert.Contains("<html lang=\"en\">", later, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"sw\">", back, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unsupported_language_falls_back_to_Kiswahili_without_an_error()
    {
        using var client = portal.CreateClient();

        var response = await client.GetAsync("/?lang=%3Cscript%3E");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<html lang=\"sw\">", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie") &&
                     response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("portal_lang", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_language_link_keeps_the_other_query_values_and_escapes_them()
    {
        using var client = portal.CreateClient();

        var html = await client.GetStringAsync("/?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E&lang=sw");

        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
        Assert.Contains("lang=en", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_page_carries_the_security_headers()
    {
        using var client = portal.CreateClient();

        var response = await client.GetAsync("/");

        var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task An_unknown_page_gets_a_localized_404_page()
    {
        using var client = portal.CreateClient();

        var sw = await client.GetAsync("/hakuna-ukurasa-huu");
        var en = await client.GetAsync("/no-such-page?lang=en");

        Assert.Equal(HttpStatusCode.NotFound, sw.StatusCode);
        Assert.Equal("text/html", sw.Content.Headers.ContentType?.MediaType);
        var swHtml = await sw.Content.ReadAsStringAsync();
        Assert.Contains("Ukurasa haupatikani", swHtml, StringComparison.Ordinal);
        // With a search box that searches the catalogue.
        Assert.Contains("<form class=\"search-form\" method=\"get\" action=\"/huduma\" role=\"search\">", swHtml, StringComparison.Ordinal);
        Assert.Contains("name=\"q\"", swHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, en.StatusCode);
        Assert.Contains("Page not found", await en.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_API_path_gets_a_problem_in_the_callers_language()
    {
        using var client = portal.CreateClient();

        var response = await client.GetAsync("/api/no-such-thing?lang=en");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("Page not found", problem.RootElement.GetProperty("title").GetString());
        Assert.Equal("urn:serviceportal:problem:http-404", problem.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_JSON_caller_gets_a_problem_not_a_page()
    {
        using var client = portal.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/missing");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Ukurasa haupatikani", problem.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task The_error_page_asked_for_directly_is_a_plain_404()
    {
        using var client = portal.CreateClient();

        var response = await client.GetAsync("/error/500");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_stylesheet_is_small_and_served_with_the_page()
    {
        using var client = portal.CreateClient();

        var css = await client.GetAsync("/css/site.css");

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.True((await css.Content.ReadAsByteArrayAsync()).Length < 16 * 1024, "one small stylesheet");
    }
}
