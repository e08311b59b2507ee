using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServicePortal.Catalog.Tests.Onboarding;

/// <summary>An agency stops its own live entries at once, through the onboarding API, and only its own.</summary>
public sealed class RetireAndDisableTests(OnboardingPortalFactory portal) : IClassFixture<OnboardingPortalFactory>
{
    private static readonly Dictionary<string, string?> NoFields = [];

    private static JsonObject Because(string reason) => new() { ["reason"] = reason };

    private async Task<(string Agency, HttpClient Api)> ApprovedEndpointAsync(FormClient admin, string name = "maombi")
    {
        var agency = await portal.CreateAgencyAsync();
        var api = await portal.AgencyApiAsync(agency);
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/api/agency/endpoints/{name}", OnboardingApiTests.ValidEndpoint())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/agency/endpoints/{name}/submit", null)).StatusCode);
        var approved = await admin.SubmitFormAsync($"/admin/catalog/endpoints/{agency}/{name}",
            $"/admin/catalog/endpoints/{agency}/{name}?handler=Approve", NoFields);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        return (agency, api);
    }

    private Task<string> EndpointStatusAsync(string agency, string name) => portal.ScalarAsync<string>("""
        SELECT e.status FROM catalog.agency_endpoints e JOIN catalog.agencies a ON a.id = e.agency_id
         WHERE a.code = @agency AND e.name = @name
        """, new { agency, name });

    [Fact]
    public async Task An_agency_retires_its_published_service_at_once_with_a_reason_in_the_history()
    {
        using var admin = await portal.SignedInAsync("administrator");
        var (agency, code, api) = await AgencyLifecycleTests.PublishedServiceAsync(portal, admin);
        using var _ = api;
        using var anonymous = portal.CreateClient();
        await AgencyLifecycleTests.EventuallyAsync(() => anonymous.GetAsync($"/api/catalog/services/{code}"), HttpStatusCode.OK);

        var retired = await api.PostAsJsonAsync($"/api/agency/services/{code}/retire", Because("Huduma imehamishiwa Wizara."));

        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        Assert.Equal("retired", (await retired.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NotFound,
            (await AgencyLifecycleTests.EventuallyAsync(() => anonymous.GetAsync($"/api/catalog/services/{code}"), HttpStatusCode.NotFound)).StatusCode);
        var history = await portal.QueryAsync<(string ChangedBy, string? Reason, string Before, string After)>("""
            SELECT h.changed_by, h.reason, h.before->>'status', h.after->>'status'
              FROM catalog.service_history h JOIN catalog.services s ON s.id = h.service_id
             WHERE s.code = @code AND h.change = 'retired'
            """, new { code });
        var row = Assert.Single(history);
        Assert.Equal(("agency:" + agency, "Huduma imehamishiwa Wizara.", "published", "retired"), row);

        // A retried call (the answer was lost) is harmless: the same answer, no second history row.
        var again = await api.PostAsJsonAsync($"/api/agency/services/{code}/retire", Because("Huduma imehamishiwa Wizara."));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1L, await portal.CountAsync("""
            SELECT count(*) FROM catalog.service_history h JOIN catalog.services s ON s.id = h.service_id
             WHERE s.code = @code AND h.change = 'retired'
            """, new { code }));
    }

    [Fact]
    public async Task An_agency_disables_its_endpoint_at_once_with_a_reason_in_the_history()
    {
        using var admin = await portal.SignedInAsync("administrator");
        var (agency, api) = await ApprovedEndpointAsync(admin);
        using var _ = api;

        var disabled = await api.PostAsJsonAsync("/api/agency/endpoints/maombi/disable", Because("Seva inafanyiwa matengenezo."));

        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.Equal("disabled", (await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal("disabled", await EndpointStatusAsync(agency, "maombi"));
        var row = Assert.Single(await portal.QueryAsync<(string ChangedBy, string? Reason, string Before, string After)>("""
            SELECT h.changed_by, h.reason, h.before->>'status', h.after->>'status'
              FROM catalog.agency_history h JOIN catalog.agencies a ON a.id = h.agency_id
             WHERE a.code = @agency AND h.change = 'disabled' AND h.endpoint_id IS NOT NULL
            """, new { agency }));
        Assert.Equal(("agency:" + agency, "Seva inafanyiwa matengenezo.", "approved", "disabled"), row);
    }

    [Fact]
    public async Task Another_agencys_service_or_endpoint_is_404_and_nothing_changes()
    {
        using var admin = await portal.SignedInAsync("administrator");
        var (owner, code, ownerApi) = await AgencyLifecycleTests.PublishedServiceAsync(portal, admin, "Kibali cha Mashua", "Boat Permit");
        using var _ = ownerApi;
        Assert.Equal(HttpStatusCode.OK, (await ownerApi.PutAsJsonAsync("/api/agency/endpoints/maombi", OnboardingApiTests.ValidEndpoint())).StatusCode);
        await ownerApi.PostAsync("/api/agency/endpoints/maombi/submit", null);
        await admin.SubmitFormAsync($"/admin/catalog/endpoints/{owner}/maombi",
            $"/admin/catalog/endpoints/{owner}/maombi?handler=Approve", NoFields);
        var other = await portal.CreateAgencyAsync();
        using var otherApi = await portal.AgencyApiAsync(other);

        var retire = await otherApi.PostAsJsonAsync($"/api/agency/services/{code}/retire", Because("Jaribio la kuingilia."));
        var disable = await otherApi.PostAsJsonAsync("/api/agency/endpoints/maombi/disable", Because("Jaribio la kuingilia."));
        // Even a code in the other agency's own prefix that it does not own is not there.
        var unknown = await otherApi.PostAsJsonAsync($"/api/agency/services/{other}-hakuna/retire", Because("Hakuna."));

        Assert.Equal(HttpStatusCode.NotFound, retire.StatusCode);
        Assert.Equal("application/problem+json", retire.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, disable.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("published", await portal.ScalarAsync<string>("SELECT status FROM catalog.services WHERE code = @code", new { code }));
        Assert.Equal("approved", await EndpointStatusAsync(owner, "maombi"));
        Assert.Equal(0L, await portal.CountAsync("""
            SELECT (SELECT count(*) FROM catalog.service_history h JOIN catalog.services s ON s.id = h.service_id
                     WHERE s.code = @code AND h.change = 'retired')
                 + (SELECT count(*) FROM catalog.agency_history h JOIN catalog.agencies a ON a.id = h.agency_id
                     WHERE a.code = @owner AND h.change = 'disabled')
            """, new { code, owner }));
    }

    [Fact]
    public async Task Only_a_live_entry_can_be_stopped_and_only_with_a_reason()
    {
        var agency = await portal.CreateAgencyAsync();
        using var api = await portal.AgencyApiAsync(agency);
        var code = agency + "-rasimu";
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/api/agency/services/{code}", OnboardingApiTests.ValidService())).StatusCode);

        // A draft is not live: nothing to retire (the agency edits or abandons its draft instead).
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsJsonAsync($"/api/agency/services/{code}/retire", Because("Sababu."))).StatusCode);

        foreach (var (body, field) in new (JsonNode?, string)[]
                 {
                     (new JsonObject(), "reason"),
                     (Because("   "), "reason"),
                     (Because(new string('s', 2001)), "reason"),
                     (Because("sababu\u0007"), "reason"),
                 })
        {
            var response = await api.PostAsJsonAsync($"/api/agency/services/{code}/retire", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("urn:serviceportal:problem:invalid-entry", problem.GetProperty("type").GetString());
            var message = problem.GetProperty("errors").GetProperty(field)[0].GetString()!;
            Assert.Contains(" / ", message, StringComparison.Ordinal); // Kiswahili / English
        }

        using var empty = new StringContent("", System.Text.Encoding.UTF8, "application/json");
        var noBody = await api.PostAsync("/api/agency/endpoints/maombi/disable", empty);
        Assert.Equal(HttpStatusCode.BadRequest, noBody.StatusCode);
        Assert.Equal("application/problem+json", noBody.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Retiring_and_disabling_need_the_agency_manage_scope()
    {
        var agency = await portal.CreateAgencyAsync();
        using var http = portal.Https();
        var anonymous = await http.PostAsJsonAsync($"/api/agency/services/{agency}-x/retire", Because("Sababu."));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
