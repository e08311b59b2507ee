using System.Net;

namespace ServicePortal.Gateway.Tests;

/// <summary>
/// What of an agency's answer may act on the portal's origin: active content only for browsers that can be held to
/// the sandbox (those that send fetch metadata), cookies few, small, HttpOnly and confined to the agency, and
/// redirects that stay in the agency's own space on every name the portal answers to.
/// </summary>
public sealed class AgencyAnswerTests(GatewayPortalFactory portal) : IClassFixture<GatewayPortalFactory>
{
    [Theory]
    [InlineData("text/html; charset=utf-8")]
    [InlineData("application/xhtml+xml")]
    [InlineData("image/svg+xml")]
    [InlineData("text/javascript")]
    [InlineData("application/javascript")]
    [InlineData("text/xml")]
    [InlineData("TEXT/HTML")]
    [InlineData("")] // no type at all: an old browser sniffs it
    public async Task A_browser_without_fetch_metadata_gets_a_406_page_instead_of_active_agency_content(string type)
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address], access: "public");
        await portal.RoutesCaughtUpAsync();
        using var oldPhone = portal.NewBrowser(); // HttpClient sends no Sec-Fetch-* headers, as browsers before 2020 did
        oldPhone.Http.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");

        using var answer = await oldPhone.Http.GetAsync($"/agencies/{agency}/api/typed?type={Uri.EscapeDataString(type)}");
        var page = await answer.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotAcceptable, answer.StatusCode);
        Assert.Equal("text/html", answer.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("AGENCY-CONTENT", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        var swahili = page.IndexOf("Kivinjari", StringComparison.Ordinal);
        var english = page.IndexOf("browser", StringComparison.Ordinal);
        Assert.True(swahili >= 0 && english > swahili, "Kiswahili first, then English: " + page);
        Assert.Equal(1, backend.Calls); // the agency was asked; only its answer was held back
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/problem+json")]
    [InlineData("image/png")]
    [InlineData("application/pdf")]
    [InlineData("text/plain; charset=utf-8")]
    public async Task Data_still_flows_to_a_client_without_fetch_metadata(string type)
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address], access: "public");
        await portal.RoutesCaughtUpAsync();
        using var app = portal.NewBrowser();

        using var answer = await app.Http.GetAsync($"/agencies/{agency}/api/typed?type={Uri.EscapeDataString(type)}");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.StartsWith("AGENCY-CONTENT", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_browser_that_sends_fetch_metadata_gets_the_agencys_page_under_the_sandbox()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address], access: "public");
        await portal.RoutesCaughtUpAsync();
        using var browser = portal.NewBrowser();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/agencies/{agency}/api/typed?type=text/html");
        request.Headers.Add("Sec-Fetch-Site", "none");
        request.Headers.Add("Sec-Fetch-Mode", "navigate");
        request.Headers.Add("Sec-Fetch-Dest", "document");

        using var answer = await browser.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.StartsWith("AGENCY-CONTENT", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.StartsWith("sandbox ", string.Join(", ", answer.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agency_sets_at_most_ten_small_HttpOnly_Secure_Lax_cookies_inside_its_own_space_and_none_named_like_the_portals()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address], access: "public");
        await portal.RoutesCaughtUpAsync();
        // A client that keeps no cookies: the headers as they came (a cookie jar would refuse some of them itself).
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = portal.Address };

        using var answer = await client.GetAsync($"/agencies/{agency}/api/many-cookies");
        var cookies = answer.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        var agencyCookies = cookies.Where(c => c.StartsWith("ag.", StringComparison.Ordinal)).ToList();
        string Describe() => string.Join("\n", cookies.Select(c => c.Length > 120 ? c[..120] + "…" : c));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.True(agencyCookies.Count is > 0 and <= 10, $"{agencyCookies.Count} agency cookies:\n{Describe()}");
        Assert.Equal(cookies.Count, agencyCookies.Count); // nothing outside the agency's namespace
        foreach (var cookie in agencyCookies)
        {
            var name = cookie[..cookie.IndexOf('=', StringComparison.Ordinal)];
            var own = name[$"ag.{agency}.api.".Length..];
            Assert.True(cookie.Length <= 4096, $"{cookie.Length} bytes: {name}");
            Assert.False(own.StartsWith("portal_", StringComparison.OrdinalIgnoreCase) ||
                         own.StartsWith(".AspNetCore.", StringComparison.OrdinalIgnoreCase) ||
                         own.StartsWith("__Host-", StringComparison.OrdinalIgnoreCase) ||
                         own.StartsWith("__Secure-", StringComparison.OrdinalIgnoreCase), $"named like the portal's own: {name}");
            var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).ToList();
            Assert.Contains(attributes, a => a.Equals("httponly", StringComparison.OrdinalIgnoreCase));
            Assert.Contains(attributes, a => a.Equals("secure", StringComparison.OrdinalIgnoreCase)); // outside Development
            Assert.Contains(attributes, a => a.Equals("samesite=lax", StringComparison.OrdinalIgnoreCase) ||
                                             a.Equals("samesite=strict", StringComparison.OrdinalIgnoreCase));
            var path = attributes.Single(a => a.StartsWith("path=", StringComparison.OrdinalIgnoreCase))["path=".Length..];
            Assert.StartsWith($"/agencies/{agency}/", path, StringComparison.Ordinal);
            Assert.DoesNotContain("..", path, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_agencys_redirect_stays_in_its_own_space_on_every_name_of_the_portal_and_never_leaves_the_portal()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address], access: "public");
        await portal.AddEndpointAsync(agency, "docs", [backend.Address]);
        await portal.RoutesCaughtUpAsync();
        using var client = portal.NewBrowser(); // at http://127.0.0.1:port; the portal also answers to localhost and [::1]
        async Task<(HttpStatusCode Status, string? Location)> RedirectAsync(string to)
        {
            using var answer = await client.Http.GetAsync($"/agencies/{agency}/api/redirect/step?to={Uri.EscapeDataString(to)}");
            return (answer.StatusCode, answer.Headers.Location?.OriginalString);
        }

        var prefix = $"/agencies/{agency}/api";
        var port = portal.Address.Port;
        Assert.Equal((HttpStatusCode.Found, $"{prefix}/done?x=1"), await RedirectAsync("/done?x=1"));
        Assert.Equal((HttpStatusCode.Found, $"{prefix}/next"), await RedirectAsync($"{prefix}/next"));
        Assert.Equal((HttpStatusCode.Found, $"/agencies/{agency}/docs/a"), await RedirectAsync($"/agencies/{agency}/docs/a")); // its own space
        Assert.Equal((HttpStatusCode.Found, $"{prefix}/redirect/other"), await RedirectAsync("other"));
        Assert.Equal((HttpStatusCode.Found, $"{prefix}/account/sign-out"), await RedirectAsync("../../../../account/sign-out"));
        // The portal by another of its names (AllowedHosts), another scheme or port: still the portal, still confined.
        Assert.Equal((HttpStatusCode.Found, $"{prefix}/account"), await RedirectAsync($"http://localhost:{port}/account"));
        Assert.Equal((HttpStatusCode.Found, $"{prefix}/account"), await RedirectAsync("https://LOCALHOST/account"));
        Assert.Equal((HttpStatusCode.Found, $"{prefix}/account"), await RedirectAsync($"http://[::1]:{port}/account"));
        Assert.Equal((HttpStatusCode.Found, $"{prefix}/agencies/other/api/x"), await RedirectAsync($"//localhost:{port}/agencies/other/api/x"));
        // Anywhere else: refused, never passed on as a redirect from the portal's own address.
        foreach (var elsewhere in new[]
                 {
                     "https://evil.example/sign-in", "//evil.example/x", "/\\evil.example/x", "\\\\evil.example/x", "/\\/evil.example",
                     "http:evil.example", "https://malipo.example/checkout?id=7", "javascript:alert(document.cookie)",
                     "data:text/html,<script>alert(1)</script>", "https://127.0.0.1.evil.example/",
                 })
        {
            var (status, location) = await RedirectAsync(elsewhere);
            Assert.True(location is null || (location.StartsWith($"/agencies/{agency}/", StringComparison.Ordinal) &&
                                             !location.Contains('\\', StringComparison.Ordinal)),
                $"{elsewhere} -> {(int)status} {location}");
        }
    }
}
