using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ServicePortal.DemoAgencies.Tests.PortalIdentity;

namespace ServicePortal.DemoAgencies.Tests.Applications;

/// <summary><c>POST {submitPath}</c>: a citizen's application, over real HTTP.</summary>
public sealed class SubmitTests
{
    public static TheoryData<string, string, string> FirstServiceOfEachAgency => new()
    {
        { "rita", "rita-birth-certificate", "RITA" },
        { "brela", "brela-company-incorporation", "BRELA" },
        { "tra", "tra-vehicle-registration", "TRA" },
    };

    [Theory]
    [MemberData(nameof(FirstServiceOfEachAgency))]
    public async Task A_submission_is_answered_201_with_a_received_status_item(string agency, string service, string prefix)
    {
        await using var running = await RunningApplicationsAgency.StartAsync(agency);

        using var response = await running.SubmitAsync(service, "SP-7K2M9QXR4D");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var item = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Matches($"^{prefix}-{running.Clock.GetUtcNow().Year}-\\d{{6,}}$", item.GetProperty("agencyReference").GetString());
        Assert.Equal("received", item.GetProperty("status").GetString());
        Assert.Contains(prefix, item.GetProperty("message_sw").GetString(), StringComparison.Ordinal);
        Assert.Contains(prefix, item.GetProperty("message_en").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, item.GetProperty("version").GetInt32());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", item.GetProperty("updatedAt").GetString());
        Assert.InRange(item.GetProperty("updatedAt").GetDateTimeOffset(),
            running.Clock.GetUtcNow().AddSeconds(-5), running.Clock.GetUtcNow());
        Assert.False(item.TryGetProperty("paymentControlNumber", out _));
        Assert.False(item.TryGetProperty("correction", out _));
    }

    [Fact]
    public async Task Agency_references_count_up_per_agency_and_are_not_given_again_after_a_restart()
    {
        var year = DateTimeOffset.UtcNow.Year;
        string first, second, afterRestart;
        var clock = new MovableClock();
        await using (var running = await RunningApplicationsAgency.StartAsync("rita", clock))
        {
            first = (await running.SubmitItemAsync("rita-birth-certificate", "SP-AAAAAAAAA1")).GetProperty("agencyReference").GetString()!;
            second = (await running.SubmitItemAsync("rita-death-certificate", "SP-AAAAAAAAA2")).GetProperty("agencyReference").GetString()!;
        }

        // The count starts from the seconds since 2026 at start: the restart comes two seconds later by the agency's clock,
        // a test clock moved at once (no waiting: before, the test slept 1.1 s of real time).
        clock.Advance(TimeSpan.FromSeconds(2));
        await using (var restarted = await RunningApplicationsAgency.StartAsync("rita", clock))
        {
            afterRestart = (await restarted.SubmitItemAsync("rita-birth-certificate", "SP-AAAAAAAAA3")).GetProperty("agencyReference").GetString()!;
        }

        static long Number(string reference) => long.Parse(reference.Split('-')[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Matches($"^RITA-{year}-[0-9]{{6,}}$", first);
        Assert.Equal(Number(first) + 1, Number(second));
        Assert.True(Number(afterRestart) > Number(second), $"{afterRestart} after a restart, {second} before");
    }

    [Fact]
    public async Task Resubmitting_with_the_same_Idempotency_Key_answers_200_with_the_same_application()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");
        var first = await running.SubmitItemAsync("rita-birth-certificate", "SP-IDEMPOTENT");

        using var again = await running.SubmitAsync("rita-birth-certificate", "SP-IDEMPOTENT");

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var item = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(first.GetProperty("agencyReference").GetString(), item.GetProperty("agencyReference").GetString());
        Assert.Equal(1, running.Registry.Count);
    }

    [Fact]
    public async Task The_same_Idempotency_Key_from_another_citizen_makes_another_application()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");
        var first = await running.SubmitItemAsync("rita-birth-certificate", "SP-SHAREDKEY1");

        using var other = await running.SubmitAsync("rita-birth-certificate", "SP-SHAREDKEY1",
            assertion: running.CitizenAssertion(subject: "pairwise-rita-another-citizen"));

        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        var item = await other.Content.ReadFromJsonAsync<JsonElement>();
        Assert.NotEqual(first.GetProperty("agencyReference").GetString(), item.GetProperty("agencyReference").GetString());
        Assert.Equal(2, running.Registry.Count);
    }

    [Fact]
    public async Task Reusing_an_Idempotency_Key_for_a_different_application_is_a_conflict()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");
        await running.SubmitItemAsync("rita-birth-certificate", "SP-FIRSTONE01");

        using var response = await running.SubmitAsync("rita-birth-certificate", "SP-SECONDONE2", idempotencyKey: "req-SP-FIRSTONE01");

        await AssertProblemAsync(response, HttpStatusCode.Conflict, "urn:serviceportal:problem:idempotency-key-reused");
        Assert.Equal(1, running.Registry.Count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has spaces")]
    [InlineData("slash/not-allowed")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task A_submission_without_a_valid_Idempotency_Key_is_refused_with_400(string? key)
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");
        var service = running.Service("rita-birth-certificate");

        using var response = await running.SubmitAsync(service.SubmitPath,
            JsonContent.Create(RunningApplicationsAgency.ValidBody(service, "SP-NOKEY00001")), key, running.CitizenAssertion());

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:serviceportal:problem:idempotency-key-invalid");
        Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        Assert.Equal(0, running.Registry.Count);
    }

    [Fact]
    public async Task A_submission_missing_required_answers_is_refused_with_an_error_per_field()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");
        var body = """
            {
              "service": "rita-birth-certificate",
              "reference": "SP-MISSING001",
              "answers": { "childName": "Neema Juma", "dateOfBirth": "2026-10-01", "sex": "female", "motherName": "  " }
            }
            """;

        using var response = await running.SubmitAsync("/applications/birth-certificate", RunningApplicationsAgency.Json(body),
            "req-missing", running.CitizenAssertion());

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:serviceportal:problem:application-invalid");
        var errors = problem.GetProperty("errors");
        Assert.Equal(["answers.motherName", "answers.placeOfBirth"],
            errors.EnumerateObject().Select(error => error.Name).Order(StringComparer.Ordinal));
        Assert.Equal(0, running.Registry.Count);
    }

    [Theory]
    [InlineData("""{ "service": "rita-death-certificate", "reference": "SP-1", "answers": {} }""", "service")]
    [InlineData("""{ "service": "brela-business-name", "reference": "SP-1", "answers": {} }""", "service")]
    [InlineData("""{ "service": "rita-birth-certificate", "answers": {} }""", "reference")]
    [InlineData("""{ "service": "rita-birth-certificate", "reference": "SP-1", "answers": [1, 2] }""", "answers")]
    [InlineData("""{ "service": "rita-birth-certificate", "reference": "SP-1" }""", "answers")]
    public async Task A_submission_for_another_service_or_without_reference_or_answers_object_is_refused(string body, string field)
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");

        using var response = await running.SubmitAsync("/applications/birth-certificate", RunningApplicationsAgency.Json(body),
            "req-bad-body", running.CitizenAssertion());

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:serviceportal:problem:application-invalid");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_refused_with_400()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");

        using var response = await running.SubmitAsync("/applications/birth-certificate", RunningApplicationsAgency.Json("{ \"service\": "),
            "req-broken", running.CitizenAssertion());

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:serviceportal:problem:malformed-json");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task A_submission_that_is_not_JSON_by_content_type_is_refused_with_415(string mediaType)
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");
        var json = JsonSerializer.Serialize(RunningApplicationsAgency.ValidBody(running.Service("rita-birth-certificate"), "SP-PLAINTEXT1"));

        using var response = await running.SubmitAsync("/applications/birth-certificate",
            RunningApplicationsAgency.Json(json, mediaType), "req-plain", running.CitizenAssertion());

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "urn:serviceportal:problem:unsupported-media-type");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_submission_over_256_KB_is_refused_with_413_whether_or_not_its_length_is_announced(bool announced)
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");
        var json = JsonSerializer.Serialize(new
        {
            service = "rita-birth-certificate",
            reference = "SP-HUGE000001",
            answers = new { childName = new string('x', 300 * 1024) },
        });
        HttpContent content = announced
            ? RunningApplicationsAgency.Json(json)
            : new StreamContent(new UnannouncedStream(System.Text.Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await running.SubmitAsync("/applications/birth-certificate", content, "req-huge", running.CitizenAssertion());

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "urn:serviceportal:problem:payload-too-large");
    }

    [Fact]
    public async Task A_submission_without_Portal_Identity_is_refused_with_401()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");
        var service = running.Service("rita-birth-certificate");

        using var response = await running.SubmitAsync(service.SubmitPath,
            JsonContent.Create(RunningApplicationsAgency.ValidBody(service, "SP-ANONYMOUS1")), "req-anon", assertion: null);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "urn:serviceportal:problem:identity-missing");
    }

    [Fact]
    public async Task A_submission_carrying_the_portals_service_assertion_is_refused()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");

        using var response = await running.SubmitAsync("rita-birth-certificate", "SP-SERVICEAS1", assertion: running.ServiceAssertion());

        var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "urn:serviceportal:problem:identity-invalid");
        Assert.Contains("portal-identity+jwt", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, running.Registry.Count);
    }

    [Fact]
    public async Task Whoami_refuses_the_portals_service_assertion_too()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("tra");
        using var request = new HttpRequestMessage(HttpMethod.Get, "whoami");
        request.Headers.Add("Portal-Identity", running.ServiceAssertion());

        using var response = await running.Client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "urn:serviceportal:problem:identity-invalid");
    }

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(type, problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }

    /// <summary>A body sent chunked, without Content-Length, so only reading it shows how long it is.</summary>
    private sealed class UnannouncedStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
