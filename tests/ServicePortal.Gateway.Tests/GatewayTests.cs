using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ServicePortal.Gateway.Tests;

/// <summary>The gateway end to end: a client, the real portal (YARP included) on a loopback port, real backends.</summary>
public sealed class GatewayTests(GatewayPortalFactory portal) : IClassFixture<GatewayPortalFactory>
{
    [Fact]
    public async Task An_endpoint_approved_in_the_database_answers_without_a_restart()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address], access: "public");
        await portal.RoutesCaughtUpAsync();
        using var client = portal.NewBrowser();

        var first = await Echo.ReadAsync(await client.Http.GetAsync($"/agencies/{agency}/api/things/42?colour=blue"));
        var missing = await client.Http.GetAsync($"/agencies/{agency}/later/x");
        await portal.AddEndpointAsync(agency, "later", [backend.Address]);
        await portal.RoutesCaughtUpAsync();
        var added = await client.Http.GetAsync($"/agencies/{agency}/later/x", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal("/things/42", first.Path);
        Assert.Equal("?colour=blue", first.Query);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.NotEqual(HttpStatusCode.NotFound, added.StatusCode); // routed now (it asks for a citizen: a redirect or 401)
    }

    [Fact]
    public async Task The_agency_receives_no_portal_credentials_and_no_identity_or_forwarding_header_the_client_made_up()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address]);
        await portal.RoutesCaughtUpAsync();
        using var browser = await portal.SignedInBrowserAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/agencies/{agency}/api/me");
        request.Headers.Add("Portal-Identity", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.");
        request.Headers.Add("X-Forwarded-For", "10.9.8.7");
        request.Headers.Add("X-Forwarded-Host", "evil.example");
        request.Headers.Add("Forwarded", "for=10.9.8.7;host=evil.example");
        request.Headers.Add("X-Real-IP", "10.9.8.7");
        // (A made-up Host is refused with 400 before it reaches the gateway: AllowedHosts, see Host.Tests DeploymentSettingsTests.)

        var echo = await Echo.ReadAsync(await browser.Http.SendAsync(request));

        Assert.Null(echo.Header("Cookie")); // the portal session and antiforgery cookies stay with the portal
        Assert.Null(echo.Header("Authorization"));
        Assert.Null(echo.Header("Forwarded"));
        Assert.Null(echo.Header("X-Forwarded-Host"));
        Assert.Null(echo.Header("X-Real-IP"));
        Assert.True(echo.Header("X-Forwarded-For") == "127.0.0.1", string.Join(" | ", echo.Headers.Select(h => $"{h.Key}: {h.Value}")));
        Assert.Equal("http", echo.Header("X-Forwarded-Proto"));
        Assert.Equal($"/agencies/{agency}/api", echo.Header("X-Forwarded-Prefix"));
        Assert.Equal(backend.Address.Authority, echo.Header("Host"));
        var assertion = new JsonWebToken(echo.Header("Portal-Identity"));
        Assert.Equal("RS256", assertion.Alg);
        Assert.Equal("portal-identity+jwt", assertion.Typ);
        Assert.Equal(agency, Assert.Single(assertion.Audiences));
        Assert.Equal("urn:serviceportal:loa:substantial", assertion.GetClaim("acr").Value);
        Assert.Equal("Rehema Mollel", assertion.GetClaim("name").Value);
        Assert.False(assertion.TryGetClaim("nin", out _)); // this agency is not entitled to the NIN
        Assert.True(assertion.ValidTo - assertion.IssuedAt <= TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task The_subject_is_pairwise_per_agency_the_NIN_goes_only_to_an_entitled_agency_and_an_assertion_is_reused()
    {
        await using var backend = await EchoBackend.StartAsync();
        var plain = await portal.AddAgencyAsync("api", [backend.Address]);
        var entitled = await portal.AddAgencyAsync("api", [backend.Address], ninEntitled: true);
        await portal.RoutesCaughtUpAsync();
        using var browser = await portal.SignedInBrowserAsync();

        var one = await Echo.ReadAsync(await browser.Http.GetAsync($"/agencies/{plain}/api/a"));
        var again = await Echo.ReadAsync(await browser.Http.GetAsync($"/agencies/{plain}/api/b"));
        var other = await Echo.ReadAsync(await browser.Http.GetAsync($"/agencies/{entitled}/api/a"));
        var first = new JsonWebToken(one.Header("Portal-Identity"));
        var second = new JsonWebToken(again.Header("Portal-Identity"));
        var third = new JsonWebToken(other.Header("Portal-Identity"));

        Assert.Equal(first.Id, second.Id); // the same signed assertion, not a signature per request
        Assert.NotEqual(one.Header("X-Request-Id"), again.Header("X-Request-Id")); // but each call its own id
        Assert.NotEqual(first.Subject, third.Subject);
        Assert.Matches("^[a-z2-7]{26}$", first.Subject);
        Assert.False(first.TryGetClaim("nin", out _));
        Assert.Matches(@"^19880214-\d{5}-\d{5}-\d{2}$", third.GetClaim("nin").Value);
    }

    [Fact]
    public async Task A_request_id_is_made_by_the_portal_and_echoed_to_both_sides()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address], access: "public");
        await portal.RoutesCaughtUpAsync();
        using var client = portal.NewBrowser();
        using var junk = new HttpRequestMessage(HttpMethod.Get, $"/agencies/{agency}/api/x");
        junk.Headers.Add("X-Request-Id", "<script>");

        var made = await client.Http.SendAsync(junk);
        var madeEcho = await Echo.ReadAsync(made);

        Assert.Matches("^[0-9a-f]{32}$", made.Headers.GetValues("X-Request-Id").Single());
        Assert.Equal(made.Headers.GetValues("X-Request-Id").Single(), madeEcho.Header("X-Request-Id"));
        Assert.Null(made.Headers.Server.FirstOrDefault()?.Product?.Name); // the agency's server software is not told
        Assert.False(made.Headers.Contains("X-Powered-By"));
    }

    [Fact]
    public async Task A_citizen_endpoint_sends_a_browser_to_sign_in_and_tells_a_program_401()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address]);
        await portal.RoutesCaughtUpAsync();
        using var client = portal.NewBrowser();
        using var page = new HttpRequestMessage(HttpMethod.Get, $"/agencies/{agency}/api/forms?step=2");
        page.Headers.Accept.ParseAdd("text/html");
        using var api = new HttpRequestMessage(HttpMethod.Get, $"/agencies/{agency}/api/forms");
        api.Headers.Accept.ParseAdd("application/json");
        using var forged = new HttpRequestMessage(HttpMethod.Get, $"/agencies/{agency}/api/forms");
        forged.Headers.Accept.ParseAdd("application/json");
        forged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");

        var redirected = await client.Http.SendAsync(page);
        var refused = await client.Http.SendAsync(api);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        var forgedAnswer = await client.Http.SendAsync(forged);

        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.Equal($"/account/sign-in?returnUrl={Uri.EscapeDataString($"/agencies/{agency}/api/forms?step=2")}",
            redirected.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Ingia kwanza", problem.GetProperty("title").GetString());
        Assert.Contains("scope=\"gateway\"", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, forgedAnswer.StatusCode);
        Assert.Equal(0, backend.Calls);
    }

    [Fact]
    public async Task Unknown_agencies_are_404_and_suspended_agencies_or_disabled_endpoints_are_a_friendly_503()
    {
        await using var backend = await EchoBackend.StartAsync();
        var suspended = await portal.AddAgencyAsync("api", [backend.Address], agencyStatus: "suspended");
        var live = await portal.AddAgencyAsync("api", [backend.Address], access: "public");
        await portal.AddEndpointAsync(live, "old", [backend.Address], status: "disabled");
        await portal.RoutesCaughtUpAsync();
        using var client = portal.NewBrowser();
        client.Http.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        using var json = portal.NewBrowser();
        json.Http.DefaultRequestHeaders.Accept.ParseAdd("application/json");

        var unknown = await json.Http.GetAsync("/agencies/no-such-agency/api/x");
        var unknownProblem = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()).RootElement;
        var suspendedPage = await client.GetAsync($"/agencies/{suspended}/api/x");
        var disabled = await json.Http.GetAsync($"/agencies/{live}/old/x");
        var unknownEndpoint = await json.Http.GetAsync($"/agencies/{live}/nothing/x");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("urn:serviceportal:problem:http-404", unknownProblem.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, suspendedPage.StatusCode);
        Assert.Contains("Huduma haipatikani kwa sasa", client.LastPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", client.LastPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, disabled.StatusCode);
        Assert.Equal("application/problem+json", disabled.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknownEndpoint.StatusCode);
        Assert.Equal(0, backend.Calls);
    }

    [Fact]
    public async Task An_invalid_endpoint_record_is_left_out_without_breaking_the_others()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("good", [backend.Address], access: "public");
        await portal.AddEndpointAsync(agency, "badpolicy", [backend.Address], ratePolicy: "no-such-policy");
        await portal.AddEndpointAsync(agency, "baddest", [], destinationsJson: """[{"name": "x", "address": "ftp://files.example/"}]""");
        await portal.RoutesCaughtUpAsync();
        using var client = portal.NewBrowser();
        client.Http.DefaultRequestHeaders.Accept.ParseAdd("application/json");

        var good = await client.Http.GetAsync($"/agencies/{agency}/good/x");
        var badPolicy = await client.Http.GetAsync($"/agencies/{agency}/badpolicy/x");
        var badDestination = await client.Http.GetAsync($"/agencies/{agency}/baddest/x");

        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, badPolicy.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, badDestination.StatusCode);
    }

    [Fact]
    public async Task Too_many_calls_get_429_with_Retry_After_per_citizen()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address], ratePolicy: "tiny");
        await portal.RoutesCaughtUpAsync();
        using var one = await portal.SignedInBrowserAsync();
        using var two = await portal.SignedInBrowserAsync();
        one.Http.DefaultRequestHeaders.Accept.ParseAdd("application/json");

        var answers = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 4; i++)
        {
            last = await one.Http.GetAsync($"/agencies/{agency}/api/x");
            answers.Add(last.StatusCode);
        }

        var someoneElse = await two.Http.GetAsync($"/agencies/{agency}/api/x");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], answers);
        Assert.InRange(last.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Equal("application/problem+json", last.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, someoneElse.StatusCode);
        Assert.Equal(4, backend.Calls);
    }

    [Fact]
    public async Task A_body_over_the_endpoint_limit_is_413_and_never_reaches_the_agency()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address], access: "public", maxBody: 1024);
        await portal.RoutesCaughtUpAsync();
        using var client = portal.NewBrowser();

        using var small = new ByteArrayContent(new byte[1000]);
        using var large = new ByteArrayContent(new byte[5000]);
        var fits = await client.Http.PostAsync($"/agencies/{agency}/api/upload", small);
        var tooLarge = await client.Http.PostAsync($"/agencies/{agency}/api/upload", large);

        Assert.Equal(1000, (await Echo.ReadAsync(fits)).BodyLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal(1, backend.Calls);
    }

    [Fact]
    public async Task An_agency_slower_than_its_timeout_is_a_504()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address], access: "public", timeoutSeconds: 1);
        await portal.RoutesCaughtUpAsync();
        using var client = portal.NewBrowser();
        client.Http.DefaultRequestHeaders.Accept.ParseAdd("application/json");

        var slow = await client.Http.GetAsync($"/agencies/{agency}/api/x?sleep=4000");
        var problem = JsonDocument.Parse(await slow.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.GatewayTimeout, slow.StatusCode);
        Assert.Equal("Taasisi imechelewa kujibu", problem.GetProperty("title").GetString());
        Assert.True(problem.TryGetProperty("requestId", out _));
    }

    [Theory]
    [InlineData("/api/..%2F..%2Fadmin", HttpStatusCode.BadRequest)]
    [InlineData("/api/%252e%252e/secret", HttpStatusCode.BadRequest)]
    [InlineData("/api/a%5Cb", HttpStatusCode.BadRequest)]
    [InlineData("/api/a%00b", HttpStatusCode.BadRequest)]
    // The server decodes %2e and resolves the dot segments before routing: /agencies/x/secret has no route.
    [InlineData("/api/%2e%2e/secret", HttpStatusCode.NotFound)]
    public async Task Paths_that_hide_separators_or_dots_in_escapes_never_reach_the_agency(string path, HttpStatusCode expected)
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address], access: "public");
        await portal.RoutesCaughtUpAsync();
        using var client = portal.NewBrowser();

        var answer = await client.Http.GetAsync(new Uri($"/agencies/{agency}{path}", UriKind.Relative));

        Assert.Equal(expected, answer.StatusCode);
        Assert.Equal(0, backend.Calls);
    }

    [Fact]
    public async Task Dot_segments_are_resolved_before_routing_so_they_cannot_leave_the_endpoint_unseen()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address], access: "public");
        await portal.RoutesCaughtUpAsync();
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(portal.Address.Host, portal.Address.Port);
        await using var stream = tcp.GetStream();
        var raw = $"GET /agencies/{agency}/api/a/../../api/b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(raw));
        var text = await new StreamReader(stream).ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 200", text, StringComparison.Ordinal);
        Assert.Contains("\"path\":\"/b\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_headers_are_refused_by_the_server_before_any_agency_sees_them()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address], access: "public");
        await portal.RoutesCaughtUpAsync();
        using var client = portal.NewBrowser();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/agencies/{agency}/api/x");
        request.Headers.TryAddWithoutValidation("X-Filler", new string('a', 40_000));

        var answer = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, answer.StatusCode);
        Assert.Equal(0, backend.Calls);
    }

    [Fact]
    public async Task An_agency_cookie_is_renamed_into_its_namespace_confined_to_its_path_and_comes_back_only_to_it()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address], access: "public");
        await portal.RoutesCaughtUpAsync();
        using var client = portal.NewBrowser();

        var set = await client.Http.GetAsync($"/agencies/{agency}/api/set-cookie");
        var cookies = set.Headers.GetValues("Set-Cookie").ToList();
        using var plain = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = portal.Address };
        using var back = new HttpRequestMessage(HttpMethod.Get, $"/agencies/{agency}/api/x");
        back.Headers.Add("Cookie", $"portal_session=secret; ag.{agency}.api.agency_session=abc; ag.other.api.x=1");
        var echo = await Echo.ReadAsync(await plain.SendAsync(back));

        Assert.Contains(cookies, c => c.StartsWith($"ag.{agency}.api.agency_session=abc", StringComparison.Ordinal) &&
                                      c.Contains($"path=/agencies/{agency}/api/", StringComparison.OrdinalIgnoreCase) &&
                                      !c.Contains("domain", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(cookies, c => c.StartsWith("portal_session=", StringComparison.Ordinal));
        Assert.True(echo.Header("Cookie") == "agency_session=abc", string.Join(" | ", echo.Headers.Select(h => $"{h.Key}: {h.Value}")));
    }

    [Fact]
    public async Task An_unhealthy_destination_is_taken_out_and_put_back()
    {
        await using var one = await EchoBackend.StartAsync("one");
        await using var two = await EchoBackend.StartAsync("two");
        var agency = await portal.AddAgencyAsync("api", [one.Address, two.Address], access: "public", healthInterval: 5);
        await portal.RoutesCaughtUpAsync();
        using var client = portal.NewBrowser();

        one.Healthy = false;
        // Ten calls every 2 s (300 a minute) stay under the route's 600 a minute; asking every 100 ms met the limit (429).
        var everyTwoSeconds = TimeSpan.FromSeconds(2);
        await Eventually.TrueAsync(async () => (await CallsAsync(client, agency, 10)).All(b => b == "two"),
            "the failing destination to stop receiving calls", interval: everyTwoSeconds);
        one.Healthy = true;
        await Eventually.TrueAsync(async () => (await CallsAsync(client, agency, 10)).Contains("one"),
            "the recovered destination to receive calls again", interval: everyTwoSeconds);
    }

    private static async Task<List<string>> CallsAsync(FormClient client, string agency, int count)
    {
        var backends = new List<string>();
        for (var i = 0; i < count; i++)
        {
            backends.Add((await Echo.ReadAsync(await client.Http.GetAsync($"/agencies/{agency}/api/x"))).Backend);
        }

        return backends;
    }
}
