using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace ServicePortal.Catalog.Tests.Onboarding;

/// <summary>
/// An administrator decides about exactly what they reviewed. The review page carries the version it showed; a
/// proposal (or an agency) that changed after the page was opened is refused with "changed since you opened it",
/// and nothing is published, whatever the agency did in between.
/// </summary>
public sealed class StaleDecisionTests(OnboardingPortalFactory portal) : IClassFixture<OnboardingPortalFactory>
{
    private const string ChangedSw = "limebadilika tangu ulipolifungua";

    private static JsonObject Endpoint(string authRequirement, string address)
    {
        var endpoint = OnboardingApiTests.ValidEndpoint();
        endpoint["authRequirement"] = authRequirement;
        endpoint["destinations"] = new JsonArray(new JsonObject { ["name"] = "primary", ["address"] = address });
        return endpoint;
    }

    [Fact]
    public async Task An_endpoint_resubmitted_after_the_review_page_was_opened_is_not_approved()
    {
        var agency = await portal.CreateAgencyAsync();
        using var api = await portal.AgencyApiAsync(agency);
        using var admin = await portal.SignedInAsync("administrator");
        var page = $"/admin/catalog/endpoints/{agency}/maombi";
        var approve = page + "?handler=Approve";

        // What the administrator reviews: a citizen endpoint to the agency's own backend.
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync("/api/agency/endpoints/maombi", Endpoint("citizen", "https://41.59.0.10/"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/api/agency/endpoints/maombi/submit", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(page)).StatusCode);
        Assert.Contains("41.59.0.10", admin.LastPage, StringComparison.Ordinal);

        // Meanwhile the agency swaps it for a public endpoint to another backend, and submits again.
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync("/api/agency/endpoints/maombi", Endpoint("public", "https://41.59.0.20/"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/api/agency/endpoints/maombi/submit", null)).StatusCode);

        var stale = await admin.PostLoadedFormAsync(approve, new Dictionary<string, string?>());

        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Contains(ChangedSw, admin.LastPage, StringComparison.Ordinal);
        Assert.Equal(0, await portal.CountAsync("""
            SELECT count(*) FROM catalog.agency_endpoints e JOIN catalog.agencies a ON a.id = e.agency_id WHERE a.code = @agency
            """, new { agency }));
        Assert.Equal("awaiting_approval", await portal.ScalarAsync<string>("""
            SELECT p.status FROM catalog.proposals p JOIN catalog.agencies a ON a.id = p.agency_id WHERE a.code = @agency AND p.key = 'maombi'
            """, new { agency }));
        // The refusal shows the version as it is now, so a second look and a click approve what was seen.
        Assert.Contains("41.59.0.20", admin.LastPage, StringComparison.Ordinal);
        var approved = await admin.PostLoadedFormAsync(approve, new Dictionary<string, string?>());
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.Equal("public", await portal.ScalarAsync<string>("""
            SELECT e.auth_requirement FROM catalog.agency_endpoints e JOIN catalog.agencies a ON a.id = e.agency_id
             WHERE a.code = @agency AND e.name = 'maombi'
            """, new { agency }));
    }

    [Fact]
    public async Task A_service_changed_after_the_review_page_was_opened_is_neither_published_nor_rejected()
    {
        var agency = await portal.CreateAgencyAsync();
        using var api = await portal.AgencyApiAsync(agency);
        using var admin = await portal.SignedInAsync("administrator");
        var code = agency + "-kibali";
        var page = $"/admin/catalog/services/{code}";
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/api/agency/services/{code}",
            OnboardingApiTests.ValidService("Kibali cha Kuchimba Chumvi", "Salt Mining Permit"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/agency/services/{code}/submit", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(page)).StatusCode);

        var changed = OnboardingApiTests.ValidService("Kibali cha Kuchimba Chumvi", "Salt Mining Permit");
        changed["costTzs"] = 900000;
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/api/agency/services/{code}", changed)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/agency/services/{code}/submit", null)).StatusCode);
        var pageBefore = admin.LastPage;

        var approved = await admin.PostLoadedFormAsync(page + "?handler=Approve", new Dictionary<string, string?>());
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Contains(ChangedSw, admin.LastPage, StringComparison.Ordinal);
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM catalog.services WHERE code = @code", new { code }));

        // A rejection written about the old version is refused the same way (the reason would be about something else).
        Assert.Equal(HttpStatusCode.OK, (await admin.PostLoadedFormAsync(page + "?handler=ConfirmReject",
            new Dictionary<string, string?> { ["Reason"] = "Ada haijathibitishwa." }, pageBefore)).StatusCode);
        var rejected = await admin.PostLoadedFormAsync(page + "?handler=Reject", new Dictionary<string, string?>());
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Contains(ChangedSw, admin.LastPage, StringComparison.Ordinal);
        Assert.Equal("awaiting_approval", await portal.ScalarAsync<string>(
            "SELECT status FROM catalog.proposals WHERE kind = 'service' AND key = @code", new { code }));
    }

    [Fact]
    public async Task An_agency_that_asked_again_after_the_page_was_opened_is_not_approved_on_the_old_page()
    {
        var agency = await portal.CreateAgencyAsync("draft");
        using var api = await portal.AgencyApiAsync(agency);
        using var first = await portal.SignedInAsync("administrator");
        using var second = await portal.SignedInAsync("administrator");
        var page = $"/admin/catalog/agencies/{agency}";
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/api/agency/submit", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync(page)).StatusCode);

        // Another administrator rejects it, and the agency asks again: the first page is now about another request.
        var rejected = await Decisions.ConfirmedAsync(second, page, "Reject", "Barua ya Katibu Mkuu haipo.");
        Assert.Equal(HttpStatusCode.Redirect, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/api/agency/submit", null)).StatusCode);

        var approved = await first.PostLoadedFormAsync(page + "?handler=Approve", new Dictionary<string, string?>());

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Contains("imebadilika tangu ulipoifungua", first.LastPage, StringComparison.Ordinal);
        Assert.Equal("awaiting_approval", await portal.ScalarAsync<string>("SELECT status FROM catalog.agencies WHERE code = @agency", new { agency }));
    }

    [Fact]
    public async Task A_decision_posted_without_the_version_it_was_about_changes_nothing()
    {
        var agency = await portal.CreateAgencyAsync();
        using var api = await portal.AgencyApiAsync(agency);
        using var admin = await portal.SignedInAsync("administrator");
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync("/api/agency/endpoints/maombi", Endpoint("citizen", "https://41.59.0.10/"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/api/agency/endpoints/maombi/submit", null)).StatusCode);
        var page = $"/admin/catalog/endpoints/{agency}/maombi";

        var approved = await admin.SubmitFormAsync(page, page + "?handler=Approve", new Dictionary<string, string?> { ["Version"] = null });

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Contains(ChangedSw, admin.LastPage, StringComparison.Ordinal);
        Assert.Equal(0, await portal.CountAsync("""
            SELECT count(*) FROM catalog.agency_endpoints e JOIN catalog.agencies a ON a.id = e.agency_id WHERE a.code = @agency
            """, new { agency }));
    }
}
