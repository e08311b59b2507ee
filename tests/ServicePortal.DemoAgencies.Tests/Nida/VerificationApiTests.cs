using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.DemoAgencies.Agencies.Nida;
using ServicePortal.DemoAgencies.Tests.PortalIdentity;

namespace ServicePortal.DemoAgencies.Tests.Nida;

/// <summary>
/// The demo national ID registry's verification API: only the portal may use it (its service assertion, verified
/// with the portal's JWKS), and a verified person's answer carries the phone numbers registered to the NIN.
/// </summary>
public sealed class VerificationApiTests : IAsyncLifetime
{
    private static readonly object Amina = new { nin = "19900415111110000123", firstName = "Amina", lastName = "Mwakyusa", dateOfBirth = "1990-04-15" };

    private FakePortal _portal = null!;
    private PortalKey _key = null!;
    private WebApplication _nida = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _portal = await FakePortal.StartAsync();
        _key = _portal.Publish();
        _nida = DemoAgencyHost.Build(DemoAgency.Get("nida"), "http://127.0.0.1:0",
            configure: builder => builder.Configuration["DemoAgencies:PortalUrl"] = _portal.Url.ToString());
        await _nida.StartAsync();
        _client = new HttpClient { BaseAddress = DemoAgencyHost.BaseAddress(_nida) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _nida.DisposeAsync();
        await _portal.DisposeAsync();
    }

    private VerificationDesk Desk => _nida.Services.GetRequiredService<VerificationDesk>();

    public static TheoryData<string> Refused => ["none", "garbage", "citizen", "other-agency", "unpublished-key", "other-subject"];

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_caller_without_the_portals_service_assertion_gets_401_and_starts_nothing(string what)
    {
        using var unpublished = new PortalKey("sig-unpublished");
        var assertion = what switch
        {
            "none" => null,
            "garbage" => "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
            "citizen" => FakePortal.Mint(_key, new Assertion("nida"), _portal.Issuer),
            "other-agency" => FakePortal.Mint(_key, new ServiceAssertion("rita"), _portal.Issuer),
            "unpublished-key" => FakePortal.Mint(unpublished, new ServiceAssertion("nida"), _portal.Issuer),
            _ => FakePortal.Mint(_key, new ServiceAssertion("nida", Subject: "someone-else"), _portal.Issuer),
        };

        using var start = await PostAsync("api/v1/verifications", Amina, assertion);
        using var answer = await PostAsync($"api/v1/verifications/{Guid.NewGuid()}/answers", new { answer = "Zawadi" }, assertion);

        foreach (var response in new[] { start, answer })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(0, Desk.OpenCount);
    }

    [Fact]
    public async Task With_the_portals_service_assertion_a_verified_answer_carries_the_numbers_registered_to_the_NIN()
    {
        var assertion = FakePortal.Mint(_key, new ServiceAssertion("nida"), _portal.Issuer);

        using var start = await PostAsync("api/v1/verifications", Amina, assertion);
        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        var started = await start.Content.ReadFromJsonAsync<JsonElement>();
        var question = started.GetProperty("question").GetProperty("en").GetString()!;
        var answer = question.Contains("mother", StringComparison.Ordinal) ? "Zawadi" : "Mbeya";
        using var answered = await PostAsync($"api/v1/verifications/{started.GetProperty("verificationId").GetString()}/answers",
            new { answer }, assertion);

        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var outcome = await answered.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("verified", outcome.GetProperty("status").GetString());
        Assert.Equal(["+255700000001", "+255700000011"],
            outcome.GetProperty("person").GetProperty("phones").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task A_wrong_answer_reveals_no_phone_number()
    {
        var assertion = FakePortal.Mint(_key, new ServiceAssertion("nida"), _portal.Issuer);
        using var start = await PostAsync("api/v1/verifications", Amina, assertion);
        var started = await start.Content.ReadFromJsonAsync<JsonElement>();

        using var answered = await PostAsync($"api/v1/verifications/{started.GetProperty("verificationId").GetString()}/answers",
            new { answer = "Dodoma-Kusini" }, assertion);

        var body = await answered.Content.ReadAsStringAsync();
        Assert.Contains("\"wrong\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("+255", body, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> PostAsync(string path, object body, string? assertion)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (assertion is not null)
        {
            request.Headers.Add("Portal-Identity", assertion);
        }

        return await _client.SendAsync(request);
    }
}
