using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ServicePortal.Requests.Tests.Api;

/// <summary>The citizen API and the agency push API over HTTP, on the real portal and provider.</summary>
public sealed class RequestsApiTests(RequestsPortalFactory portal) : IClassFixture<RequestsPortalFactory>
{
    private static readonly object BirthAnswers = new
    {
        childName = "Baraka Juma Mollel",
        dateOfBirth = "2026-10-01",
        placeOfBirth = "Hospitali ya Mount Meru, Arusha",
        sex = "male",
        motherName = "Rehema Mollel",
    };

    [Fact]
    public async Task Without_a_token_with_the_requests_scope_the_api_answers_401()
    {
        using var anonymous = portal.Client();
        var (_, _, gatewayOnly) = await portal.CitizenAppAsync("openid gateway");

        var none = await anonymous.GetAsync("/api/me/requests");
        var wrongScope = await gatewayOnly.GetAsync("/api/me/requests");

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Contains("scope=\"requests\"", none.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongScope.StatusCode);
    }

    [Fact]
    public async Task Only_a_bearer_token_opens_the_api_never_the_browser_session_whatever_the_authorization_header()
    {
        // The citizen is signed in in this browser: the portal_session cookie goes with every request to the portal.
        var (nin, phone) = await portal.CreateAccountAsync();
        using var browser = new FormClient(portal.Client());
        await portal.SignInAsync(browser, nin, phone);
        var token = await AppTokens.CitizenAsync(portal, portal.Client(), nin, phone, "openid requests");

        var cookieAlone = await browser.Http.GetAsync("/api/me/requests");
        var cookieAndBasic = await SendAsync(browser.Http, "/api/me/requests", new AuthenticationHeaderValue("Basic", "x"));
        var cookieAndJunk = await SendAsync(browser.Http, "/api/me/requests", new AuthenticationHeaderValue("Negotiate", "x"));
        using var post = new StringContent("""{"serviceCode": "rita-birth-certificate", "answers": {}}""", Encoding.UTF8, "application/json");
        var postWithCookieAndBasic = await SendAsync(browser.Http, "/api/me/requests", new AuthenticationHeaderValue("Basic", "x"), post);
        var bearer = await SendAsync(portal.Client(), "/api/me/requests", new AuthenticationHeaderValue("Bearer", token));

        Assert.Equal(HttpStatusCode.Unauthorized, cookieAlone.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, cookieAndBasic.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, cookieAndJunk.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, postWithCookieAndBasic.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
    }

    [Fact]
    public async Task A_password_only_token_is_asked_to_step_up_with_the_RFC_9470_challenge_and_sees_nothing()
    {
        var (nin, _) = await portal.CreateAccountAsync();
        var low = await AppTokens.PasswordLevelAsync(portal, portal.Client(), nin, "openid requests");
        using var api = portal.Client();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", low);
        api.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        var before = await portal.ScalarAsync<long>("SELECT count(*) FROM requests.requests");

        var list = await api.GetAsync("/api/me/requests");
        var apply = await api.PostAsJsonAsync("/api/me/requests", new { serviceCode = "rita-birth-certificate", answers = BirthAnswers });

        foreach (var response in new[] { list, apply })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var challenge = response.Headers.WwwAuthenticate.ToString();
            Assert.Contains("error=\"insufficient_user_authentication\"", challenge, StringComparison.Ordinal);
            Assert.Contains("acr_values=\"urn:serviceportal:loa:substantial\"", challenge, StringComparison.Ordinal);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(before, await portal.ScalarAsync<long>("SELECT count(*) FROM requests.requests"));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string path, AuthenticationHeaderValue authorization,
        HttpContent? body = null)
    {
        using var request = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, path) { Content = body };
        request.Headers.Authorization = authorization;
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Bad_applications_get_a_400_problem_naming_each_field_and_store_nothing()
    {
        var (_, _, api) = await portal.CitizenAppAsync();
        var before = await portal.ScalarAsync<long>("SELECT count(*) FROM requests.requests");

        var unknown = await api.PostAsJsonAsync("/api/me/requests", new { serviceCode = "no-such-service", answers = new { } });
        var missing = await api.PostAsJsonAsync("/api/me/requests", new { serviceCode = "rita-birth-certificate", answers = new { childName = "Baraka" } });
        using var text = new StringContent("serviceCode=x", Encoding.UTF8, "text/plain");
        var notJson = await api.PostAsync("/api/me/requests", text);
        using var broken = new StringContent("{\"serviceCode\": ", Encoding.UTF8, "application/json");
        var brokenJson = await api.PostAsync("/api/me/requests", broken);
        var unknownProblem = await unknown.Content.ReadFromJsonAsync<JsonElement>();
        var missingProblem = await missing.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.True(unknownProblem.GetProperty("errors").TryGetProperty("serviceCode", out _));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var errors = missingProblem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("answers.dateOfBirth", out _));
        Assert.True(errors.TryGetProperty("answers.motherName", out _));
        Assert.False(errors.TryGetProperty("answers.childName", out _));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, brokenJson.StatusCode);
        Assert.Equal(before, await portal.ScalarAsync<long>("SELECT count(*) FROM requests.requests"));
    }

    [Fact]
    public async Task The_same_Idempotency_Key_twice_makes_one_request_and_another_citizen_cannot_see_it()
    {
        var (_, _, api) = await portal.CitizenAppAsync();
        var (_, _, other) = await portal.CitizenAppAsync();
        using var first = new HttpRequestMessage(HttpMethod.Post, "/api/me/requests")
        {
            Content = JsonContent.Create(new { serviceCode = "rita-birth-certificate", answers = BirthAnswers }),
        };
        first.Headers.Add("Idempotency-Key", "tap-42");
        using var again = new HttpRequestMessage(HttpMethod.Post, "/api/me/requests")
        {
            Content = JsonContent.Create(new { serviceCode = "rita-birth-certificate", answers = BirthAnswers }),
        };
        again.Headers.Add("Idempotency-Key", "tap-42");

        var created = await api.SendAsync(first);
        var repeated = await api.SendAsync(again);
        var reference = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reference").GetString()!;
        var mine = await api.GetAsync($"/api/me/requests/{reference}");
        var theirs = await other.GetAsync($"/api/me/requests/{reference}");
        var spoken = await api.GetAsync($"/api/me/requests/{reference.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal)}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        Assert.Equal(reference, (await repeated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reference").GetString());
        Assert.Equal(1, await portal.ScalarAsync<long>("SELECT count(*) FROM requests.requests WHERE reference = @reference", new { reference }));
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Equal(HttpStatusCode.OK, spoken.StatusCode);
    }

    [Fact]
    public async Task The_list_filters_by_status_and_refuses_bad_parameters()
    {
        var (_, _, api) = await portal.CitizenAppAsync();
        await api.PostAsJsonAsync("/api/me/requests", new { serviceCode = "rita-birth-certificate", answers = BirthAnswers });

        var all = await api.GetFromJsonAsync<JsonElement>("/api/me/requests");
        var completed = await api.GetFromJsonAsync<JsonElement>("/api/me/requests?status=completed");
        var bad = await api.GetAsync("/api/me/requests?status=lost&pageSize=1000&page=0");
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(1, all.GetProperty("total").GetInt64());
        Assert.Equal(0, completed.GetProperty("total").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        foreach (var field in new[] { "status", "pageSize", "page" })
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), field);
        }
    }

    [Fact]
    public async Task A_pushed_update_moves_the_request_once_notifies_the_citizen_and_never_goes_backwards()
    {
        var (nin, phone) = await portal.CreateAccountAsync(language: "en");
        var (reference, agencyReference) = await portal.SubmittedRequestAsync(nin, "brela", "brela-business-name");
        var (_, otherAgencyReference) = await portal.SubmittedRequestAsync(nin, "tra", "tra-tin");
        using var brela = await AgencyAsync("brela");

        var review = await PushAsync(brela, Item(agencyReference, "under_review", 2, "2026-11-29T10:00:00Z"));
        var repeated = await PushAsync(brela, Item(agencyReference, "under_review", 2, "2026-11-29T10:00:00Z"));
        var done = await PushAsync(brela, Item(agencyReference, "issued", 4, "2026-11-29T12:00:00Z"));
        var stale = await PushAsync(brela, Item(agencyReference, "under_review", 3, "2026-11-29T11:00:00Z"));
        var backwards = await PushAsync(brela, Item(agencyReference, "under_review", 5, "2026-11-29T13:00:00Z"));
        var notTheirs = await PushAsync(brela, Item(otherAgencyReference, "issued", 9, "2026-11-29T13:00:00Z"));
        var unknownWord = await PushAsync(brela, Item(agencyReference, "lost_in_the_post", 6, "2026-11-29T14:00:00Z"));

        Assert.Equal(["applied", "unchanged", "applied", "unchanged", "refused", "not_found", "refused"],
            new[] { review, repeated, done, stale, backwards, notTheirs, unknownWord });
        Assert.Equal("completed", await portal.ScalarAsync<string>("SELECT status FROM requests.requests WHERE reference = @reference", new { reference }));
        Assert.Equal("submitted", await portal.ScalarAsync<string>(
            "SELECT status FROM requests.requests WHERE agency_reference = @otherAgencyReference", new { otherAgencyReference }));
        Assert.Equal(2, await portal.ScalarAsync<long>(
            "SELECT count(*) FROM requests.events e JOIN requests.requests r ON r.id = e.request_id WHERE r.reference = @reference AND e.kind = 'status'",
            new { reference }));
        var notices = await portal.ScalarAsync<string>(
            "SELECT string_agg(body, ' | ' ORDER BY id) FROM portal.outbox_messages WHERE recipient = @phone AND purpose = 'request_status'", new { phone });
        Assert.Contains($"your application {reference} is now: being processed", notices, StringComparison.Ordinal);
        Assert.Contains("is now: completed", notices, StringComparison.Ordinal);
        Assert.Equal(2, notices.Split(" | ").Length);
        Assert.True(await portal.ScalarAsync<long>("SELECT count(*) FROM requests.agency_errors WHERE agency = 'brela' AND source = 'push'") >= 2);
    }

    [Fact]
    public async Task Malformed_pushes_are_refused_with_a_problem_and_recorded_without_changing_anything()
    {
        var (nin, _) = await portal.CreateAccountAsync();
        var (reference, agencyReference) = await portal.SubmittedRequestAsync(nin, "brela", "brela-company");
        using var brela = await AgencyAsync("brela");
        using var noScope = await AgencyAsync("brela", "agency.manage");

        using var text = new StringContent("status=issued", Encoding.UTF8, "text/plain");
        var wrongType = await brela.PostAsync("/api/agency/requests/status", text);
        using var broken = new StringContent("{\"items\": [", Encoding.UTF8, "application/json");
        var brokenJson = await brela.PostAsync("/api/agency/requests/status", broken);
        var missingFields = await brela.PostAsJsonAsync("/api/agency/requests/status",
            new { items = new object[] { new { agencyReference, status = "issued" } } });
        var forgedLine = await brela.PostAsJsonAsync("/api/agency/requests/status",
            new { items = new[] { Item(agencyReference + "\r\nINFO forged log line", "issued", 9, "2026-11-29T10:00:00Z") } });
        var tooMany = await brela.PostAsJsonAsync("/api/agency/requests/status",
            new { items = Enumerable.Range(0, 501).Select(i => Item(agencyReference, "issued", i, "2026-11-29T10:00:00Z")) });
        using var huge = new StringContent("{\"items\": [\"" + new string('x', 2_000_000) + "\"]}", Encoding.UTF8, "application/json");
        // As a careful client sends a large body: it asks first (Expect: 100-continue), so the server's early 413 is read
        // rather than lost to a broken pipe while the client is still writing the 2 MB the server will not take.
        using var hugeRequest = new HttpRequestMessage(HttpMethod.Post, "/api/agency/requests/status") { Content = huge };
        hugeRequest.Headers.ExpectContinue = true;
        var hugeBody = await brela.SendAsync(hugeRequest);
        var forbidden = await noScope.PostAsJsonAsync("/api/agency/requests/status", new { items = new[] { Item(agencyReference, "issued", 9, "2026-11-29T10:00:00Z") } });

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, brokenJson.StatusCode);
        Assert.Equal(HttpStatusCode.OK, missingFields.StatusCode);
        Assert.Equal("invalid", (await missingFields.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items")[0].GetProperty("outcome").GetString());
        Assert.Equal("invalid", (await forgedLine.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items")[0].GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, hugeBody.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("submitted", await portal.ScalarAsync<string>("SELECT status FROM requests.requests WHERE reference = @reference", new { reference }));
    }

    private async Task<HttpClient> AgencyAsync(string agency, string scope = "agency.requests")
    {
        var http = portal.Client();
        var token = await AppTokens.AgencyAsync(portal, http, agency, scope);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static object Item(string agencyReference, string status, int version, string updatedAt) => new Dictionary<string, object>
    {
        ["agencyReference"] = agencyReference,
        ["status"] = status,
        ["version"] = version,
        ["updatedAt"] = updatedAt,
        ["message_sw"] = "Ujumbe wa taasisi",
        ["message_en"] = "A message from the agency",
    };

    private static async Task<string> PushAsync(HttpClient agency, object item)
    {
        var response = await agency.PostAsJsonAsync("/api/agency/requests/status", new { items = new[] { item } });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("items")[0].GetProperty("outcome").GetString()!;
    }
}
