using System.Net;

namespace ServicePortal.Gateway.Tests;

/// <summary>
/// Headers across the door: back to the browser only an allow-list, under the portal's own sandboxing policy, with
/// redirects kept inside the agency's space (AgencyAnswerTests); to the agency no header a client could use to pose as the portal
/// (underscore spellings included), the portal's own request id, the client's id only as a client value.
/// </summary>
public sealed class AgencyHeadersTests(GatewayPortalFactory portal) : IClassFixture<GatewayPortalFactory>
{
    [Fact]
    public async Task Only_allow_listed_response_headers_come_back_from_an_agency_under_the_portals_sandbox_policy()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address], access: "public");
        await portal.RoutesCaughtUpAsync();
        using var client = portal.NewBrowser();

        using var answer = await client.Http.GetAsync($"/agencies/{agency}/api/hostile-headers");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        foreach (var dropped in new[]
                 {
                     "Service-Worker-Allowed", "Clear-Site-Data", "Refresh", "Link", "WWW-Authenticate", "Access-Control-Allow-Origin",
                     "Access-Control-Allow-Credentials", "Strict-Transport-Security", "X-Agency-Secret", "X-Powered-By",
                 })
        {
            Assert.True(Value(answer, dropped) is null, $"{dropped}: {Value(answer, dropped)} came through");
        }

        var policy = Value(answer, "Content-Security-Policy")!;
        Assert.StartsWith("sandbox ", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("allow-same-origin", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("DENY", Value(answer, "X-Frame-Options"));
        Assert.Equal("same-origin", Value(answer, "Cross-Origin-Opener-Policy"));
        Assert.Equal("camera=(), microphone=(), geolocation=(), payment=()", Value(answer, "Permissions-Policy"));
        Assert.StartsWith($"ag.{agency}.api.sid=1", Value(answer, "Set-Cookie"), StringComparison.Ordinal);
        Assert.Equal("private, max-age=60", Value(answer, "Cache-Control"));
        Assert.Equal("\"v1\"", Value(answer, "ETag"));
        Assert.Equal("Tue, 01 Dec 2026 10:00:00 GMT", Value(answer, "Last-Modified"));
        Assert.Equal("Tue, 01 Dec 2026 11:00:00 GMT", Value(answer, "Expires"));
        Assert.Equal("sw", Value(answer, "Content-Language"));
        Assert.Equal("inline; filename=\"cheti.json\"", Value(answer, "Content-Disposition"));
        Assert.Equal("Accept-Language", Value(answer, "Vary"));
        Assert.Equal("120", Value(answer, "Retry-After"));
        Assert.Equal("bytes", Value(answer, "Accept-Ranges"));
        Assert.StartsWith("application/json", Value(answer, "Content-Type"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Underscore_spellings_of_the_headers_the_door_removes_never_reach_the_agency()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address]);
        await portal.RoutesCaughtUpAsync();
        using var browser = await portal.SignedInBrowserAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/agencies/{agency}/api/me");
        // A backend behind CGI, WSGI, PHP or some frameworks reads Portal_Identity as Portal-Identity (HTTP_PORTAL_IDENTITY).
        request.Headers.TryAddWithoutValidation("Portal_Identity", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.");
        request.Headers.TryAddWithoutValidation("portal_identity", "forged");
        request.Headers.TryAddWithoutValidation("X_Forwarded_For", "10.9.8.7");
        request.Headers.TryAddWithoutValidation("x_forwarded_host", "evil.example");
        request.Headers.TryAddWithoutValidation("X_Request_Id", "forged-request-id");
        request.Headers.TryAddWithoutValidation("X_Real_IP", "10.9.8.7");

        var echo = await Echo.ReadAsync(await browser.Http.SendAsync(request));

        var underscored = echo.Headers.Keys.Where(name => name.Contains('_', StringComparison.Ordinal)).ToList();
        Assert.True(underscored.Count == 0, "reached the agency: " + string.Join(", ", underscored.Select(n => $"{n}: {echo.Headers[n]}")));
        Assert.Equal("127.0.0.1", echo.Header("X-Forwarded-For"));
        Assert.NotNull(echo.Header("Portal-Identity"));
    }

    [Fact]
    public async Task A_clients_request_id_goes_on_as_a_client_value_and_never_becomes_the_portals_id_or_audit_key()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address], access: "public");
        await portal.RoutesCaughtUpAsync();
        using var client = portal.NewBrowser();
        using var mine = new HttpRequestMessage(HttpMethod.Get, $"/agencies/{agency}/api/x");
        mine.Headers.Add("X-Request-Id", "app-7f3a9c21-0001");
        using var forged = new HttpRequestMessage(HttpMethod.Get, $"/agencies/{agency}/api/x");
        forged.Headers.Add("X-Request-Id", "<script>");
        forged.Headers.Add("X-Client-Request-Id", "made-up-by-the-client");

        var kept = await client.Http.SendAsync(mine);
        var keptEcho = await Echo.ReadAsync(kept);
        var junk = await client.Http.SendAsync(forged);
        var junkEcho = await Echo.ReadAsync(junk);
        var portalId = kept.Headers.GetValues("X-Request-Id").Single();

        Assert.Matches("^[0-9a-f]{32}$", portalId); // the portal's own, whatever the client sent
        var audited = await AuditedClientIdAsync(portalId);
        Assert.Equal(portalId, keptEcho.Header("X-Request-Id"));
        Assert.Equal("app-7f3a9c21-0001", keptEcho.Header("X-Client-Request-Id"));
        Assert.Equal("app-7f3a9c21-0001", audited);
        Assert.Matches("^[0-9a-f]{32}$", junk.Headers.GetValues("X-Request-Id").Single());
        Assert.Null(junkEcho.Header("X-Client-Request-Id")); // neither the junk id nor a header the client named so
    }

    [Fact]
    public async Task X_Forwarded_Host_is_not_passed_on()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address], access: "public");
        await portal.RoutesCaughtUpAsync();
        using var client = portal.NewBrowser();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/agencies/{agency}/api/x");
        // (A Host the portal does not serve is refused before the gateway: DeploymentSettingsTests.)
        request.Headers.Add("X-Forwarded-Host", "evil.example");

        var echo = await Echo.ReadAsync(await client.Http.SendAsync(request));

        Assert.Null(echo.Header("X-Forwarded-Host"));
        Assert.Equal($"/agencies/{agency}/api", echo.Header("X-Forwarded-Prefix"));
    }

    private async Task<string?> AuditedClientIdAsync(string requestId)
    {
        await Eventually.TrueAsync(async () => await portal.CountAsync(
                "SELECT count(*) FROM gateway.proxied_calls WHERE request_id = @requestId", new { requestId }) > 0,
            $"the audit record of {requestId}");
        return await portal.ScalarAsync<string?>(
            "SELECT client_request_id FROM gateway.proxied_calls WHERE request_id = @requestId", new { requestId });
    }

    /// <summary>A header as it came over the wire (not re-rendered by HttpClient's parsers).</summary>
    private static string? Value(HttpResponseMessage answer, string name) =>
        answer.Headers.NonValidated.TryGetValues(name, out var values) || answer.Content.Headers.NonValidated.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;
}
