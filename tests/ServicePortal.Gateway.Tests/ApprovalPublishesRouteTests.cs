using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ServicePortal.Gateway.Tests;

/// <summary>
/// The catalogue's decisions reach the gateway end to end, without a restart: an agency proposes an endpoint
/// through the onboarding API (a real client-credentials token), an administrator approves it on the admin page
/// (a form post with antiforgery, signed in with two factors), and the gateway forwards to a live backend.
/// Suspending the agency on the admin page, or the agency disabling its endpoint, turns that into 503.
/// </summary>
public sealed class ApprovalPublishesRouteTests(GatewayPortalFactory portal) : IClassFixture<GatewayPortalFactory>
{
    private const string Secret = "siri-ya-taasisi-ndefu-kabisa-2026";
    private static readonly Dictionary<string, string?> NoFields = [];

    private async Task<string> DraftlessAgencyAsync()
    {
        var code = "t" + Guid.NewGuid().ToString("N")[..10];
        await portal.ExecuteAsync("""
            INSERT INTO catalog.agencies (code, short_name, name_sw, name_en, status)
            VALUES (@code, upper(@code), 'Taasisi ya Majaribio', 'Test Agency', 'approved')
            """, new { code });
        return code;
    }

    /// <summary>A client of the portal carrying an access token of the agency's own client (scope agency.manage).</summary>
    private async Task<HttpClient> AgencyApiAsync(string agency)
    {
        var clientId = "agency-" + Guid.NewGuid().ToString("N")[..12];
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = Secret,
            ClientType = ClientTypes.Confidential,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials, Permissions.Prefixes.Scope + "agency.manage" },
        };
        descriptor.Properties["agency"] = JsonSerializer.SerializeToElement(agency);
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(descriptor);
        }

        var http = new HttpClient { BaseAddress = portal.Address };
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = Secret,
            ["scope"] = "agency.manage",
        });
        var token = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), form);
        var body = await token.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(token.IsSuccessStatusCode, body.ToString());
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("access_token").GetString());
        return http;
    }

    private async Task<FormClient> AdministratorAsync()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        await portal.ExecuteAsync("""
            INSERT INTO identity.account_roles (account_id, role)
            SELECT id, 'administrator' FROM identity.accounts WHERE nin = @nin
            """, new { nin });
        var browser = portal.NewBrowser();
        await portal.SignInAsync(browser, nin, phone);
        return browser;
    }

    private static JsonObject Endpoint(Uri backend) => new()
    {
        ["destinations"] = new JsonArray(new JsonObject { ["name"] = "primary", ["address"] = backend.ToString() }),
        ["healthCheckPath"] = "/health",
        ["healthCheckIntervalSeconds"] = 5,
        ["timeoutSeconds"] = 10,
        ["authRequirement"] = "public",
        ["rateLimitPolicy"] = "standard",
    };

    private async Task<(string Agency, HttpClient Api, FormClient Admin)> ApprovedRouteAsync(EchoBackend backend)
    {
        var agency = await DraftlessAgencyAsync();
        var api = await AgencyApiAsync(agency);
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync("/api/agency/endpoints/maombi", Endpoint(backend.Address))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/api/agency/endpoints/maombi/submit", null)).StatusCode);
        var admin = await AdministratorAsync();
        var approved = await admin.SubmitFormAsync($"/admin/catalog/endpoints/{agency}/maombi",
            $"/admin/catalog/endpoints/{agency}/maombi?handler=Approve", NoFields);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        await portal.RoutesCaughtUpAsync();
        return (agency, api, admin);
    }

    [Fact]
    public async Task Approval_publishes_a_route()
    {
        await using var backend = await EchoBackend.StartAsync("maombi");
        var agency = await DraftlessAgencyAsync();
        using var api = await AgencyApiAsync(agency);
        using var client = portal.NewBrowser();

        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync("/api/agency/endpoints/maombi", Endpoint(backend.Address))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/api/agency/endpoints/maombi/submit", null)).StatusCode);
        await portal.RoutesCaughtUpAsync();
        // Proposed and submitted is not live: the gateway does not know the endpoint yet.
        Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync($"/agencies/{agency}/maombi/status/42")).StatusCode);
        Assert.Equal(0, backend.Calls);

        using var admin = await AdministratorAsync();
        await admin.GetAsync("/admin/catalog");
        Assert.Contains($"href=\"/admin/catalog/endpoints/{agency}/maombi\"", admin.LastPage, StringComparison.Ordinal);
        var approved = await admin.SubmitFormAsync($"/admin/catalog/endpoints/{agency}/maombi",
            $"/admin/catalog/endpoints/{agency}/maombi?handler=Approve", NoFields);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        await portal.RoutesCaughtUpAsync();

        var echo = await Echo.ReadAsync(await client.Http.GetAsync($"/agencies/{agency}/maombi/status/42?lang=sw"));
        Assert.Equal("maombi", echo.Backend);
        Assert.Equal("/status/42", echo.Path);
        Assert.Equal("?lang=sw", echo.Query);
        Assert.Equal($"/agencies/{agency}/maombi", echo.Header("X-Forwarded-Prefix"));
    }

    [Fact]
    public async Task Suspending_the_agency_on_the_admin_page_makes_the_gateway_answer_503_until_it_is_reinstated()
    {
        await using var backend = await EchoBackend.StartAsync();
        var (agency, api, admin) = await ApprovedRouteAsync(backend);
        using var _ = api;
        using var __ = admin;
        using var client = portal.NewBrowser();
        await Echo.ReadAsync(await client.Http.GetAsync($"/agencies/{agency}/maombi/x"));

        // Suspending asks to confirm: the reason, then the confirmation page's button.
        await admin.SubmitFormAsync($"/admin/catalog/agencies/{agency}",
            $"/admin/catalog/agencies/{agency}?handler=ConfirmSuspend", new Dictionary<string, string?> { ["Reason"] = "Ukaguzi wa usalama." });
        var suspended = await admin.PostLoadedFormAsync($"/admin/catalog/agencies/{agency}?handler=Suspend", new Dictionary<string, string?>());
        Assert.Equal(HttpStatusCode.Redirect, suspended.StatusCode);
        await portal.RoutesCaughtUpAsync();
        var calls = backend.Calls;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.Http.GetAsync($"/agencies/{agency}/maombi/x")).StatusCode);
        Assert.Equal(calls, backend.Calls);

        var reinstated = await admin.SubmitFormAsync($"/admin/catalog/agencies/{agency}",
            $"/admin/catalog/agencies/{agency}?handler=Reinstate", new Dictionary<string, string?> { ["Reason"] = "Ukaguzi umekamilika." });
        Assert.Equal(HttpStatusCode.Redirect, reinstated.StatusCode);
        await portal.RoutesCaughtUpAsync();
        await Echo.ReadAsync(await client.Http.GetAsync($"/agencies/{agency}/maombi/x"));
    }

    [Fact]
    public async Task An_agency_disabling_its_endpoint_makes_the_gateway_answer_503_at_once()
    {
        await using var backend = await EchoBackend.StartAsync();
        var (agency, api, admin) = await ApprovedRouteAsync(backend);
        using var _ = api;
        using var __ = admin;
        using var client = portal.NewBrowser();
        await Echo.ReadAsync(await client.Http.GetAsync($"/agencies/{agency}/maombi/x"));

        var disabled = await api.PostAsJsonAsync("/api/agency/endpoints/maombi/disable", new { reason = "Seva ina hitilafu." });
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        await portal.RoutesCaughtUpAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.Http.GetAsync($"/agencies/{agency}/maombi/x")).StatusCode);
    }
}
