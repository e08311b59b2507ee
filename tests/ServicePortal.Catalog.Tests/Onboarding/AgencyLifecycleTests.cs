using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ServicePortal.Catalog.Tests.Onboarding;

/// <summary>The agency itself: asking to join, approval and rejection, suspension and reinstatement.</summary>
public sealed class AgencyLifecycleTests(OnboardingPortalFactory portal) : IClassFixture<OnboardingPortalFactory>
{
    private static readonly Dictionary<string, string?> NoFields = [];

    /// <summary>A published service of a new approved agency (proposed, submitted, approved by an administrator).</summary>
    internal static async Task<(string Agency, string Code, HttpClient Api)> PublishedServiceAsync(OnboardingPortalFactory portal,
        FormClient admin, string nameSw = "Kibali cha Kuvua Samaki", string nameEn = "Fishing Permit")
    {
        var agency = await portal.CreateAgencyAsync();
        var api = await portal.AgencyApiAsync(agency);
        var code = agency + "-kibali";
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/api/agency/services/{code}",
            OnboardingApiTests.ValidService(nameSw, nameEn))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/agency/services/{code}/submit", null)).StatusCode);
        var approved = await admin.SubmitFormAsync($"/admin/catalog/services/{code}",
            $"/admin/catalog/services/{code}?handler=Approve", NoFields);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        return (agency, code, api);
    }

    /// <summary>Caches on this node drop their reads when NOTIFY catalog_changed arrives (delivered at commit).</summary>
    internal static Task<HttpResponseMessage> EventuallyAsync(Func<Task<HttpResponseMessage>> get, HttpStatusCode expected) =>
        Eventually.AnswersAsync(get, expected, $"the catalogue to answer {(int)expected}");

    private Task<string> StatusAsync(string agency) =>
        portal.ScalarAsync<string>("SELECT status FROM catalog.agencies WHERE code = @agency", new { agency });

    private Task<FormClient> AdminAsync() => portal.SignedInAsync("administrator");

    // Reject and suspend go through the confirmation page, as a person's would; the other decisions are one post.
    private static Task<HttpResponseMessage> DecideAsync(FormClient admin, string agency, string handler, string? reason = null) =>
        handler is "Reject" or "Suspend"
            ? Decisions.ConfirmedAsync(admin, $"/admin/catalog/agencies/{agency}", handler, reason)
            : admin.SubmitFormAsync($"/admin/catalog/agencies/{agency}",
                $"/admin/catalog/agencies/{agency}?handler={handler}", new Dictionary<string, string?> { ["Reason"] = reason });

    [Fact]
    public async Task An_agency_asks_to_join_is_rejected_with_a_reason_asks_again_and_is_approved()
    {
        var agency = await portal.CreateAgencyAsync("draft");
        using var api = await portal.AgencyApiAsync(agency);
        using var admin = await AdminAsync();

        var me = await api.GetFromJsonAsync<JsonElement>("/api/agency");
        Assert.Equal("draft", me.GetProperty("status").GetString());
        Assert.Equal($"Taasisi ya Majaribio {agency}", me.GetProperty("name").GetProperty("sw").GetString());

        var submitted = await api.PostAsync("/api/agency/submit", null);
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Equal("awaiting_approval", (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var again = await api.PostAsync("/api/agency/submit", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);

        await admin.GetAsync("/admin/catalog");
        Assert.Contains($"href=\"/admin/catalog/agencies/{agency}\"", admin.LastPage, StringComparison.Ordinal);

        var withoutReason = await DecideAsync(admin, agency, "Reject", "   ");
        Assert.Equal(HttpStatusCode.OK, withoutReason.StatusCode);
        Assert.Contains("Andika sababu", admin.LastPage, StringComparison.Ordinal);
        Assert.Equal("awaiting_approval", await StatusAsync(agency));

        var rejected = await DecideAsync(admin, agency, "Reject", "Barua ya Katibu Mkuu haijaambatishwa.");
        Assert.Equal(HttpStatusCode.Redirect, rejected.StatusCode);
        me = await api.GetFromJsonAsync<JsonElement>("/api/agency");
        Assert.Equal("draft", me.GetProperty("status").GetString());
        Assert.Equal("Barua ya Katibu Mkuu haijaambatishwa.", me.GetProperty("statusReason").GetString());

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/api/agency/submit", null)).StatusCode);
        var approved = await DecideAsync(admin, agency, "Approve");
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.Equal("approved", await StatusAsync(agency));

        // Who did what, and why, in order; the administrator's rows name the account.
        var history = (await portal.QueryAsync<(string Change, string ChangedBy, string? Reason)>("""
            SELECT h.change, h.changed_by, h.reason FROM catalog.agency_history h JOIN catalog.agencies a ON a.id = h.agency_id
             WHERE a.code = @agency ORDER BY h.id
            """, new { agency })).ToList();
        Assert.Equal(["submitted", "rejected", "submitted", "approved"], history.Select(h => h.Change));
        Assert.Equal("agency:" + agency, history[0].ChangedBy);
        Assert.StartsWith("staff:", history[1].ChangedBy, StringComparison.Ordinal);
        Assert.NotEqual("staff:unknown", history[1].ChangedBy);
        Assert.Equal("Barua ya Katibu Mkuu haijaambatishwa.", history[1].Reason);

        // An approved agency does not ask again.
        var approvedAgain = await api.PostAsync("/api/agency/submit", null);
        Assert.Equal(HttpStatusCode.Conflict, approvedAgain.StatusCode);
        Assert.Contains("urn:serviceportal:problem:wrong-status", await approvedAgain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_suspended_agency_leaves_the_public_catalogue_and_comes_back_when_reinstated()
    {
        using var admin = await AdminAsync();
        var (agency, code, api) = await PublishedServiceAsync(portal, admin, "Kibali cha Kuvua Kaa", "Crab Fishing Permit");
        using var _ = api;
        using var anonymous = portal.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await EventuallyAsync(() => anonymous.GetAsync($"/api/catalog/services/{code}"), HttpStatusCode.OK)).StatusCode);

        var withoutReason = await DecideAsync(admin, agency, "Suspend", "");
        Assert.Equal(HttpStatusCode.OK, withoutReason.StatusCode);
        Assert.Contains("field-error", admin.LastPage, StringComparison.Ordinal);
        Assert.Equal("approved", await StatusAsync(agency));

        var suspended = await DecideAsync(admin, agency, "Suspend", "Uvujaji wa taarifa unachunguzwa.\nTutarejesha baada ya ukaguzi.");
        Assert.Equal(HttpStatusCode.Redirect, suspended.StatusCode);
        Assert.Equal($"/admin/catalog/agencies/{agency}?done=suspended", suspended.Headers.Location?.OriginalString);
        Assert.Equal("suspended", await StatusAsync(agency));

        // Gone from every public reader: the entry, the search, the agency's page and the export.
        Assert.Equal(HttpStatusCode.NotFound,
            (await EventuallyAsync(() => anonymous.GetAsync($"/api/catalog/services/{code}"), HttpStatusCode.NotFound)).StatusCode);
        var search = await anonymous.GetStringAsync("/api/catalog/services?q=kibali%20cha%20kuvua%20kaa");
        Assert.DoesNotContain(code, search, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/taasisi/{agency}")).StatusCode);
        Assert.DoesNotContain(code, await anonymous.GetStringAsync("/api/catalog/export.jsonld"), StringComparison.Ordinal);
        // The agency reads why.
        var me = await api.GetFromJsonAsync<JsonElement>("/api/agency");
        Assert.Equal("suspended", me.GetProperty("status").GetString());
        Assert.StartsWith("Uvujaji wa taarifa", me.GetProperty("statusReason").GetString(), StringComparison.Ordinal);

        var page = await admin.GetAsync($"/admin/catalog/agencies/{agency}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Imesitishwa", admin.LastPage, StringComparison.Ordinal);
        Assert.Contains("Uvujaji wa taarifa unachunguzwa.", admin.LastPage, StringComparison.Ordinal);

        var reinstated = await DecideAsync(admin, agency, "Reinstate", "Ukaguzi umekamilika.");
        Assert.Equal(HttpStatusCode.Redirect, reinstated.StatusCode);
        Assert.Equal(HttpStatusCode.OK,
            (await EventuallyAsync(() => anonymous.GetAsync($"/api/catalog/services/{code}"), HttpStatusCode.OK)).StatusCode);

        var history = (await portal.QueryAsync<(string Change, string? Reason)>("""
            SELECT h.change, h.reason FROM catalog.agency_history h JOIN catalog.agencies a ON a.id = h.agency_id
             WHERE a.code = @agency AND h.endpoint_id IS NULL ORDER BY h.id
            """, new { agency })).ToList();
        Assert.Equal(["suspended", "reinstated"], history.Select(h => h.Change));
        Assert.Equal("Ukaguzi umekamilika.", history[1].Reason);
        // The history snapshots say what the agency was and became.
        Assert.Equal("suspended", await portal.ScalarAsync<string>("""
            SELECT h.after->>'status' FROM catalog.agency_history h JOIN catalog.agencies a ON a.id = h.agency_id
             WHERE a.code = @agency AND h.change = 'suspended'
            """, new { agency }));
    }

    [Fact]
    public async Task A_decision_the_status_no_longer_allows_is_a_message_not_a_change()
    {
        var agency = await portal.CreateAgencyAsync();
        using var admin = await AdminAsync();

        // The page of an approved agency offers Suspend; an Approve posted anyway (with the page's own hidden fields,
        // so the version is current) changes nothing.
        var page = $"/admin/catalog/agencies/{agency}";
        await admin.GetAsync(page);
        var suspendForm = admin.LastPage;
        var response = await admin.PostLoadedFormAsync(page + "?handler=Approve", new Dictionary<string, string?>(),
            suspendForm.Replace("?handler=ConfirmSuspend", "?handler=Approve", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Hali ya taasisi imebadilika tayari", admin.LastPage, StringComparison.Ordinal);
        Assert.Equal("approved", await StatusAsync(agency));
        Assert.Equal(0L, await portal.CountAsync("""
            SELECT count(*) FROM catalog.agency_history h JOIN catalog.agencies a ON a.id = h.agency_id WHERE a.code = @agency
            """, new { agency }));
    }

    [Fact]
    public async Task Only_administrators_see_and_decide_about_agencies()
    {
        var agency = await portal.CreateAgencyAsync();
        using var helpdesk = await portal.SignedInAsync("helpdesk_agent");
        Assert.Equal(HttpStatusCode.Forbidden, (await helpdesk.GetAsync("/admin/catalog/agencies")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await helpdesk.GetAsync($"/admin/catalog/agencies/{agency}")).StatusCode);
        using var anonymous = portal.CreateFormClient();
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync($"/admin/catalog/agencies/{agency}")).StatusCode);

        using var admin = await AdminAsync();
        // The list is paged (many agencies): the new one is found by its code.
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/admin/catalog/agencies?status=approved&q={agency}")).StatusCode);
        Assert.Contains($"href=\"/admin/catalog/agencies/{agency}\"", admin.LastPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/admin/catalog/agencies/hakuna-taasisi-hii")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/admin/catalog/agencies/%27%3B%20DROP")).StatusCode);
        Assert.Equal("approved", await StatusAsync(agency));
    }

    [Fact]
    public async Task Html_in_an_agency_name_and_a_reason_is_shown_escaped()
    {
        var agency = await portal.CreateAgencyAsync();
        await portal.ExecuteAsync("UPDATE catalog.agencies SET name_sw = '<script>alert(1)</script>' WHERE code = @agency", new { agency });
        using var admin = await AdminAsync();

        await DecideAsync(admin, agency, "Suspend", "<img src=x onerror=alert(2)>");
        await admin.GetAsync($"/admin/catalog/agencies/{agency}");

        Assert.DoesNotContain("<script>alert(1)", admin.LastPage, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", admin.LastPage, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(2)&gt;", admin.LastPage, StringComparison.Ordinal);
    }
}
