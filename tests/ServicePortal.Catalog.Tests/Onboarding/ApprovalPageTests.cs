using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ServicePortal.Catalog.Tests.Onboarding;

public sealed class ApprovalPageTests(OnboardingPortalFactory portal) : IClassFixture<OnboardingPortalFactory>
{
    private async Task<(string Agency, string Code, HttpClient Api)> SubmittedServiceAsync(string nameSw = "Kibali cha Uvuvi wa Bahari",
        string nameEn = "Deep Sea Fishing Permit")
    {
        var agency = await portal.CreateAgencyAsync();
        var api = await portal.AgencyApiAsync(agency);
        var code = agency + "-kibali";
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/api/agency/services/{code}",
            OnboardingApiTests.ValidService(nameSw, nameEn))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/agency/services/{code}/submit", null)).StatusCode);
        return (agency, code, api);
    }

    [Fact]
    public async Task An_administrator_approves_a_service_and_it_is_public_and_found_by_search()
    {
        var (agency, code, api) = await SubmittedServiceAsync();
        using var _ = api;
        using var admin = await portal.SignedInAsync("administrator");

        var list = await admin.GetAsync("/admin/catalog");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains($"href=\"/admin/catalog/services/{code}\"", admin.LastPage, StringComparison.Ordinal);
        Assert.Contains("Taasisi ya Majaribio " + agency, admin.LastPage, StringComparison.Ordinal);

        var approved = await admin.SubmitFormAsync($"/admin/catalog/services/{code}",
            $"/admin/catalog/services/{code}?handler=Approve", new Dictionary<string, string?>());
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);

        using var anonymous = portal.CreateClient();
        var entry = await AgencyLifecycleTests.EventuallyAsync(() => anonymous.GetAsync($"/api/catalog/services/{code}"), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, entry.StatusCode);
        // Other tests of this class approve services with the same words: look within this agency.
        var search = await anonymous.GetFromJsonAsync<JsonElement>($"/api/catalog/services?q=uvuvi%20wa%20bahari&agency={agency}");
        Assert.Equal(code, search.GetProperty("items")[0].GetProperty("code").GetString());

        Assert.Equal("approved", await portal.ScalarAsync<string>("""
            SELECT h.change FROM catalog.service_history h JOIN catalog.services s ON s.id = h.service_id
             WHERE s.code = @code ORDER BY h.id DESC LIMIT 1
            """, new { code }));
        var mine = await api.GetFromJsonAsync<JsonElement>("/api/agency/services");
        var item = mine.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("key").GetString() == code);
        Assert.Equal("published", item.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("proposal").ValueKind);
    }

    [Fact]
    public async Task A_change_to_a_published_service_waits_for_approval_and_the_page_shows_what_changed()
    {
        var (_, code, api) = await SubmittedServiceAsync();
        using var __ = api;
        using var admin = await portal.SignedInAsync("administrator");
        await admin.SubmitFormAsync($"/admin/catalog/services/{code}",
            $"/admin/catalog/services/{code}?handler=Approve", new Dictionary<string, string?>());

        var changed = OnboardingApiTests.ValidService("Kibali cha Uvuvi (Kipya)", "Deep Sea Fishing Permit");
        changed["costTzs"] = 7500;
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/api/agency/services/{code}", changed)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/agency/services/{code}/submit", null)).StatusCode);

        // The published version stays what citizens see until approval.
        using var anonymous = portal.CreateClient();
        var live = await AgencyLifecycleTests.EventuallyAsync(() => anonymous.GetAsync($"/api/catalog/services/{code}"), HttpStatusCode.OK);
        Assert.Contains("Kibali cha Uvuvi wa Bahari", await live.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var page = await admin.GetAsync($"/admin/catalog/services/{code}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = admin.LastPage;
        Assert.Contains("<tr class=\"changed\">", html, StringComparison.Ordinal);
        var nameRow = Row(html, "name_sw");
        Assert.Contains("Kibali cha Uvuvi wa Bahari", nameRow, StringComparison.Ordinal);
        Assert.Contains("Kibali cha Uvuvi (Kipya)", nameRow, StringComparison.Ordinal);
        Assert.Contains("imebadilika", nameRow, StringComparison.Ordinal);
        var costRow = Row(html, "cost_tzs");
        Assert.Contains("5000", costRow, StringComparison.Ordinal);
        Assert.Contains("7500", costRow, StringComparison.Ordinal);
        Assert.DoesNotContain("imebadilika", Row(html, "name_en"), StringComparison.Ordinal);
    }

    private static string Row(string html, string field)
    {
        var start = html.IndexOf($"<th scope=\"row\">{field} ", StringComparison.Ordinal);
        Assert.True(start > 0, field);
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    [Fact]
    public async Task A_rejection_returns_the_proposal_to_draft_with_the_reason_the_agency_reads()
    {
        var (_, code, api) = await SubmittedServiceAsync();
        using var _ = api;
        using var admin = await portal.SignedInAsync("administrator");

        var empty = await Decisions.ConfirmedAsync(admin, $"/admin/catalog/services/{code}", "Reject", "");
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Contains("Andika sababu", admin.LastPage, StringComparison.Ordinal);

        var rejected = await Decisions.ConfirmedAsync(admin, $"/admin/catalog/services/{code}", "Reject", "Ada haijathibitishwa na Wizara.");
        Assert.Equal(HttpStatusCode.Redirect, rejected.StatusCode);

        var mine = await api.GetFromJsonAsync<JsonElement>("/api/agency/services");
        var proposal = mine.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("key").GetString() == code).GetProperty("proposal");
        Assert.Equal("draft", proposal.GetProperty("status").GetString());
        Assert.Equal("Ada haijathibitishwa na Wizara.", proposal.GetProperty("rejectionReason").GetString());
        await admin.GetAsync("/admin/catalog");
        Assert.DoesNotContain(code, admin.LastPage, StringComparison.Ordinal);
        using var anonymous = portal.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/catalog/services/{code}")).StatusCode);
    }

    [Fact]
    public async Task A_rejected_change_to_a_published_service_leaves_a_history_row_with_who_when_and_why()
    {
        var (_, code, api) = await SubmittedServiceAsync();
        using var _ = api;
        using var admin = await portal.SignedInAsync("administrator");
        await admin.SubmitFormAsync($"/admin/catalog/services/{code}",
            $"/admin/catalog/services/{code}?handler=Approve", new Dictionary<string, string?>());
        var changed = OnboardingApiTests.ValidService("Kibali cha Uvuvi (Ada Mpya)", "Deep Sea Fishing Permit");
        changed["costTzs"] = 90000;
        await api.PutAsJsonAsync($"/api/agency/services/{code}", changed);
        await api.PostAsync($"/api/agency/services/{code}/submit", null);

        var rejected = await Decisions.ConfirmedAsync(admin, $"/admin/catalog/services/{code}", "Reject", "Ada mpya haijaidhinishwa.");

        Assert.Equal(HttpStatusCode.Redirect, rejected.StatusCode);
        var row = Assert.Single(await portal.QueryAsync<(string ChangedBy, string? Reason, DateTime ChangedAt, string Live, string Proposed)>("""
            SELECT h.changed_by, h.reason, h.changed_at, h.after->>'cost_tzs', h.proposed->>'cost_tzs'
              FROM catalog.service_history h JOIN catalog.services s ON s.id = h.service_id
             WHERE s.code = @code AND h.change = 'rejected'
            """, new { code }));
        Assert.StartsWith("staff:", row.ChangedBy, StringComparison.Ordinal);
        Assert.NotEqual("staff:unknown", row.ChangedBy);
        Assert.Equal("Ada mpya haijaidhinishwa.", row.Reason);
        Assert.True(DateTime.UtcNow - row.ChangedAt < TimeSpan.FromMinutes(5));
        Assert.Equal("5000", row.Live);       // what stays published
        Assert.Equal("90000", row.Proposed);  // what was refused
        Assert.Equal(5000L, await portal.ScalarAsync<long>("SELECT cost_tzs FROM catalog.services WHERE code = @code", new { code }));
    }

    [Fact]
    public async Task Approving_an_endpoint_makes_it_the_approved_route_for_the_gateway()
    {
        var agency = await portal.CreateAgencyAsync();
        using var api = await portal.AgencyApiAsync(agency);
        await api.PutAsJsonAsync("/api/agency/endpoints/maombi", OnboardingApiTests.ValidEndpoint());
        await api.PostAsync("/api/agency/endpoints/maombi/submit", null);
        using var admin = await portal.SignedInAsync("administrator");
        var before = await portal.ScalarAsync<long>("SELECT version FROM catalog.catalog_state");

        var approved = await admin.SubmitFormAsync($"/admin/catalog/endpoints/{agency}/maombi",
            $"/admin/catalog/endpoints/{agency}/maombi?handler=Approve", new Dictionary<string, string?>());

        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.Equal("approved", await portal.ScalarAsync<string>("""
            SELECT e.status FROM catalog.agency_endpoints e JOIN catalog.agencies a ON a.id = e.agency_id
             WHERE a.code = @agency AND e.name = 'maombi'
            """, new { agency }));
        Assert.True(await portal.ScalarAsync<long>("SELECT version FROM catalog.catalog_state") > before);
        Assert.Equal(1L, await portal.ScalarAsync<long>("""
            SELECT count(*) FROM catalog.agency_history h JOIN catalog.agencies a ON a.id = h.agency_id
             WHERE a.code = @agency AND h.change = 'approved' AND h.before IS NULL
            """, new { agency }));
    }

    [Fact]
    public async Task A_citizen_and_staff_without_the_administrator_role_get_403()
    {
        using var citizen = await portal.SignedInAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await citizen.GetAsync("/admin/catalog")).StatusCode);
        using var helpdesk = await portal.SignedInAsync("helpdesk_agent");
        Assert.Equal(HttpStatusCode.Forbidden, (await helpdesk.GetAsync("/admin/catalog")).StatusCode);
        using var anonymous = portal.CreateFormClient();
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync("/admin/catalog")).StatusCode);
    }

    [Fact]
    public async Task Html_and_script_in_any_text_are_shown_escaped_on_the_approval_page()
    {
        var (_, code, api) = await SubmittedServiceAsync("<script>alert('sw')</script>", "<img src=x onerror=alert(1)>");
        using var _ = api;
        using var admin = await portal.SignedInAsync("administrator");

        await admin.GetAsync($"/admin/catalog/services/{code}");

        Assert.DoesNotContain("<script>alert", admin.LastPage, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", admin.LastPage, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(", admin.LastPage, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", admin.LastPage, StringComparison.Ordinal);
    }
}
