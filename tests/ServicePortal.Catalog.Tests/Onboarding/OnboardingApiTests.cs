using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServicePortal.Catalog.Tests.Onboarding;

public sealed class OnboardingApiTests(OnboardingPortalFactory portal) : IClassFixture<OnboardingPortalFactory>
{
    /// <summary>A valid service: every field set, both languages.</summary>
    public static JsonObject ValidService(string nameSw = "Leseni ya Majaribio", string nameEn = "Test Licence") => new()
    {
        ["name"] = new JsonObject { ["sw"] = nameSw, ["en"] = nameEn },
        ["summary"] = new JsonObject { ["sw"] = "Omba leseni mtandaoni.", ["en"] = "Apply for the licence online." },
        ["description"] = new JsonObject { ["sw"] = "Maelezo marefu.\nMstari wa pili.", ["en"] = "A longer description.\nSecond line." },
        ["category"] = "utambulisho",
        ["lifeEvents"] = new JsonArray("kuzaliwa-mtoto"),
        ["channels"] = new JsonArray("portal", "office"),
        ["costTzs"] = 5000,
        ["costPaid"] = "on_application",
        ["costNote"] = new JsonObject { ["sw"] = "Hulipwa kwa simu.", ["en"] = "Paid by mobile money." },
        ["processingDays"] = 7,
        ["eligibility"] = new JsonArray(new JsonObject { ["sw"] = "Raia wa Tanzania", ["en"] = "Tanzanian citizens" }),
        ["evidence"] = new JsonArray(new JsonObject { ["sw"] = "Kitambulisho cha taifa", ["en"] = "National ID" }),
        ["output"] = new JsonObject { ["sw"] = "Leseni", ["en"] = "A licence" },
        ["legalBasis"] = new JsonArray(new JsonObject { ["sw"] = "Sheria ya Leseni, Sura ya 1", ["en"] = "Licensing Act, Cap. 1" }),
        ["keywordsSw"] = new JsonArray("leseni"),
        ["keywordsEn"] = new JsonArray("licence"),
        ["formSchema"] = JsonNode.Parse("""
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "properties": {"fullName": {"type": "string", "maxLength": 120, "x-title": {"sw": "Jina", "en": "Name"}}},
             "required": ["fullName"]}
            """),
        ["submitPath"] = "/applications",
        ["statusPath"] = "/applications/{reference}",
    };

    public static JsonObject ValidEndpoint() => new()
    {
        ["destinations"] = new JsonArray(new JsonObject { ["name"] = "primary", ["address"] = "https://10.0.0.5:8443/" }),
        ["healthCheckPath"] = "/health",
        ["healthCheckIntervalSeconds"] = 15,
        ["timeoutSeconds"] = 30,
        ["maxRequestBodyBytes"] = 1048576,
        ["authRequirement"] = "citizen_substantial",
        ["rateLimitPolicy"] = "standard",
    };

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    private static JsonElement Item(JsonElement list, string key) =>
        list.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("key").GetString() == key);

    [Fact]
    public async Task An_agency_creates_updates_lists_and_submits_a_draft_service()
    {
        var agency = await portal.CreateAgencyAsync();
        using var api = await portal.AgencyApiAsync(agency);
        var code = agency + "-leseni";

        var created = await api.PutAsJsonAsync($"/api/agency/services/{code}", ValidService());
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var updated = await api.PutAsJsonAsync($"/api/agency/services/{code}", ValidService("Leseni Mpya", "New Licence"));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        var item = Item(await JsonAsync(await api.GetAsync("/api/agency/services")), code);
        Assert.Equal(JsonValueKind.Null, item.GetProperty("status").ValueKind);   // nothing live yet
        Assert.Equal("draft", item.GetProperty("proposal").GetProperty("status").GetString());
        Assert.Equal("Leseni Mpya", item.GetProperty("proposal").GetProperty("entry").GetProperty("name_sw").GetString());

        var submitted = await api.PostAsync($"/api/agency/services/{code}/submit", null);
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Equal("awaiting_approval", (await JsonAsync(submitted)).GetProperty("proposal").GetProperty("status").GetString());
        var again = await api.PostAsync($"/api/agency/services/{code}/submit", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        // Nothing is public before approval.
        using var anonymous = portal.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/catalog/services/{code}")).StatusCode);
    }

    [Fact]
    public async Task An_agency_creates_lists_and_submits_an_endpoint()
    {
        var agency = await portal.CreateAgencyAsync();
        using var api = await portal.AgencyApiAsync(agency);

        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync("/api/agency/endpoints/maombi", ValidEndpoint())).StatusCode);
        var item = Item(await JsonAsync(await api.GetAsync("/api/agency/endpoints")), "maombi");
        Assert.Equal("draft", item.GetProperty("proposal").GetProperty("status").GetString());
        Assert.Equal("https://10.0.0.5:8443/", item.GetProperty("proposal").GetProperty("entry").GetProperty("destinations")[0]
            .GetProperty("address").GetString());

        var submitted = await api.PostAsync("/api/agency/endpoints/maombi/submit", null);
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync("/api/agency/endpoints/hakuna/submit", null)).StatusCode);
    }

    public static TheoryData<string, JsonNode?, string> BadServiceFields() => new()
    {
        { "name", null, "name" },
        { "name", new JsonObject { ["sw"] = "", ["en"] = "Licence" }, "name.sw" },
        { "name", new JsonObject { ["sw"] = "Leseni", ["en"] = new string('x', 201) }, "name.en" },
        { "name", new JsonObject { ["sw"] = "Leseni\u0007", ["en"] = "Licence" }, "name.sw" },
        { "summary", new JsonObject { ["sw"] = "Muhtasari", ["en"] = new string('y', 501) }, "summary.en" },
        { "description", new JsonObject { ["sw"] = "a\u0000b", ["en"] = "" }, "description.sw" },
        { "category", "hakuna-kundi", "category" },
        { "category", null, "category" },
        { "lifeEvents", new JsonArray("hakuna-tukio"), "lifeEvents" },
        { "channels", new JsonArray(), "channels" },
        { "channels", new JsonArray("fax"), "channels" },
        { "costTzs", -1, "costTzs" },
        { "costPaid", "sometimes", "costPaid" },
        { "costNote", new JsonObject { ["sw"] = new string('n', 501), ["en"] = "note" }, "costNote.sw" },
        { "processingDays", -1, "processingDays" },
        { "processingDays", 3651, "processingDays" },
        { "eligibility", new JsonArray(new JsonObject { ["sw"] = "Raia", ["en"] = "" }), "eligibility[0].en" },
        { "evidence", new JsonArray(new JsonObject { ["sw"] = "", ["en"] = "ID" }), "evidence[0].sw" },
        { "output", new JsonObject { ["sw"] = "Leseni", ["en"] = new string('o', 1001) }, "output.en" },
        { "legalBasis", new JsonArray(new JsonObject { ["sw"] = "Sheria\u001b", ["en"] = "Act" }), "legalBasis[0].sw" },
        { "keywordsSw", new JsonArray(new string('k', 61)), "keywordsSw" },
        { "keywordsEn", new JsonArray("ok\u0001"), "keywordsEn" },
        { "formSchema", JsonNode.Parse("[]"), "formSchema" },
        { "formSchema", JsonNode.Parse("""{"type": "string"}"""), "formSchema" },
        { "formSchema", JsonNode.Parse("""{"type": "object", "properties": {"a": {"type": "weird"}}}"""), "formSchema" },
        { "formSchema", JsonNode.Parse("""{"type": "object", "properties": {}, "required": ["missing"]}"""), "formSchema" },
        { "submitPath", "applications", "submitPath" },
        { "statusPath", "/status?x=<script>", "statusPath" },
    };

    [Theory]
    [MemberData(nameof(BadServiceFields))]
    public async Task Every_service_field_is_validated_with_messages_in_both_languages(string field, JsonNode? value, string errorKey)
    {
        var agency = await portal.CreateAgencyAsync();
        using var api = await portal.AgencyApiAsync(agency);
        var body = ValidService();
        body[field] = value?.DeepClone();

        var response = await api.PutAsJsonAsync($"/api/agency/services/{agency}-huduma", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await JsonAsync(response);
        Assert.Equal("urn:serviceportal:problem:invalid-entry", problem.GetProperty("type").GetString());
        var message = problem.GetProperty("errors").GetProperty(errorKey)[0].GetString()!;
        var halves = message.Split(" / ");
        Assert.True(halves.Length >= 2 && halves[0].Length > 0 && halves[1].Length > 0, message);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync($"/api/agency/services/{agency}-huduma/submit", null)).StatusCode);
    }

    [Theory]
    [InlineData("Bad_Code")]
    [InlineData("x--y")]
    public async Task A_malformed_code_with_the_agency_prefix_is_a_field_error(string suffix)
    {
        var agency = await portal.CreateAgencyAsync();
        using var api = await portal.AgencyApiAsync(agency);

        var response = await api.PutAsJsonAsync($"/api/agency/services/{agency}-{suffix}", ValidService());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(" / ", (await JsonAsync(response)).GetProperty("errors").GetProperty("code")[0].GetString(), StringComparison.Ordinal);
    }

    public static TheoryData<string, JsonNode?, string> BadEndpointFields() => new()
    {
        { "destinations", new JsonArray(), "destinations" },
        { "destinations", new JsonArray(new JsonObject { ["name"] = "primary", ["address"] = "ftp://10.0.0.5/" }), "destinations[0].address" },
        { "destinations", new JsonArray(new JsonObject { ["name"] = "primary", ["address"] = "/relative" }), "destinations[0].address" },
        { "destinations", new JsonArray(new JsonObject { ["name"] = "Primary!", ["address"] = "https://a.example/" }), "destinations[0].name" },
        { "healthCheckPath", "health", "healthCheckPath" },
        { "healthCheckIntervalSeconds", 1, "healthCheckIntervalSeconds" },
        { "timeoutSeconds", 0, "timeoutSeconds" },
        { "timeoutSeconds", 301, "timeoutSeconds" },
        { "maxRequestBodyBytes", -5, "maxRequestBodyBytes" },
        { "authRequirement", "anyone", "authRequirement" },
        { "rateLimitPolicy", "Not A Policy", "rateLimitPolicy" },
    };

    [Theory]
    [MemberData(nameof(BadEndpointFields))]
    public async Task Every_endpoint_field_is_validated_with_messages_in_both_languages(string field, JsonNode? value, string errorKey)
    {
        var agency = await portal.CreateAgencyAsync();
        using var api = await portal.AgencyApiAsync(agency);
        var body = ValidEndpoint();
        body[field] = value?.DeepClone();

        var response = await api.PutAsJsonAsync("/api/agency/endpoints/maombi", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await JsonAsync(response)).GetProperty("errors").GetProperty(errorKey)[0].GetString()!;
        Assert.Contains(" / ", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agency_can_neither_see_nor_change_another_agencys_entries()
    {
        var a = await portal.CreateAgencyAsync();
        var b = await portal.CreateAgencyAsync();
        using var apiA = await portal.AgencyApiAsync(a);
        using var apiB = await portal.AgencyApiAsync(b);
        Assert.Equal(HttpStatusCode.OK, (await apiB.PutAsJsonAsync($"/api/agency/services/{b}-siri", ValidService("Siri ya B", "B's secret"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await apiB.PutAsJsonAsync("/api/agency/endpoints/ndani", ValidEndpoint())).StatusCode);

        // A's lists hold nothing of B's.
        var servicesOfA = await (await apiA.GetAsync("/api/agency/services")).Content.ReadAsStringAsync();
        var endpointsOfA = await (await apiA.GetAsync("/api/agency/endpoints")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(b, servicesOfA, StringComparison.Ordinal);
        Assert.Equal("""{"items":[]}""", endpointsOfA);

        // A cannot overwrite or submit B's draft, nor a published service of another agency: 404, nothing changes.
        var overwrite = await apiA.PutAsJsonAsync($"/api/agency/services/{b}-siri", ValidService("Imebadilishwa", "Changed"));
        Assert.Equal(HttpStatusCode.NotFound, overwrite.StatusCode);
        Assert.Equal("urn:serviceportal:problem:not-found", (await JsonAsync(overwrite)).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await apiA.PostAsync($"/api/agency/services/{b}-siri/submit", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await apiA.PutAsJsonAsync("/api/agency/services/rita-birth-certificate", ValidService())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await apiA.PostAsync("/api/agency/endpoints/ndani/submit", null)).StatusCode);

        Assert.Equal("Siri ya B", await portal.ScalarAsync<string>(
            "SELECT body->>'name_sw' FROM catalog.proposals WHERE kind = 'service' AND key = @key", new { key = $"{b}-siri" }));
        Assert.Equal("Cheti cha Kuzaliwa", await portal.ScalarAsync<string>(
            "SELECT name_sw FROM catalog.services WHERE code = 'rita-birth-certificate'"));
        Assert.Equal(0L, await portal.ScalarAsync<long>("SELECT count(*) FROM catalog.proposals WHERE key = 'rita-birth-certificate'"));
    }

    [Fact]
    public async Task Without_a_token_it_is_401_and_without_the_scope_or_an_agency_403()
    {
        using var anonymous = portal.Https();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/agency/services")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PutAsJsonAsync("/api/agency/services/rita-x", ValidService())).StatusCode);

        var agency = await portal.CreateAgencyAsync();
        using var otherScope = await portal.AgencyApiAsync(agency, scope: "agency.requests");
        var noScope = await otherScope.GetAsync("/api/agency/services");
        Assert.Equal(HttpStatusCode.Forbidden, noScope.StatusCode);
        Assert.Equal("urn:serviceportal:problem:forbidden", (await JsonAsync(noScope)).GetProperty("type").GetString());

        using var unbound = await portal.AgencyApiAsync(agency: null);
        var noAgency = await unbound.GetAsync("/api/agency/endpoints");
        Assert.Equal(HttpStatusCode.Forbidden, noAgency.StatusCode);
        Assert.Equal("application/problem+json", noAgency.Content.Headers.ContentType?.MediaType);

        using var unknown = await portal.AgencyApiAsync("hakuna-taasisi-hii");
        Assert.Equal(HttpStatusCode.Forbidden, (await unknown.GetAsync("/api/agency/services")).StatusCode);
    }
}
