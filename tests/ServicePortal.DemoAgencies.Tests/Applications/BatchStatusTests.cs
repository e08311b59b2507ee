using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ServicePortal.DemoAgencies.Tests.PortalIdentity;

namespace ServicePortal.DemoAgencies.Tests.Applications;

/// <summary><c>POST {statusPath}</c>: the portal's status job asking about many applications at once.</summary>
public sealed class BatchStatusTests
{
    [Fact]
    public async Task Batch_status_answers_one_item_per_reference_in_order_with_not_found_for_unknown_ones()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");
        var first = (await running.SubmitItemAsync("rita-birth-certificate", "SP-BATCH00001")).GetProperty("agencyReference").GetString()!;
        var second = (await running.SubmitItemAsync("rita-death-certificate", "SP-BATCH00002")).GetProperty("agencyReference").GetString()!;

        using var response = await running.StatusAsync([second, "RITA-2026-999999", first, "BRELA-2026-000001"]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([second, "RITA-2026-999999", first, "BRELA-2026-000001"],
            items.Select(item => item.GetProperty("agencyReference").GetString()));
        Assert.Equal("received", items[0].GetProperty("status").GetString());
        Assert.Equal("not_found", items[1].GetProperty("error").GetString());
        Assert.False(items[1].TryGetProperty("status", out _));
        Assert.Equal("received", items[2].GetProperty("status").GetString());
        Assert.Equal("not_found", items[3].GetProperty("error").GetString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(501)]
    public async Task Batch_status_of_no_references_or_more_than_500_is_refused(int count)
    {
        await using var running = await RunningApplicationsAgency.StartAsync("tra");

        using var response = await running.StatusAsync(Enumerable.Range(1, count).Select(i => $"TRA-2026-{i:D6}"));

        var problem = await SubmitTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:serviceportal:problem:application-invalid");
        Assert.True(problem.GetProperty("errors").TryGetProperty("references", out _));
    }

    [Fact]
    public async Task Batch_status_of_500_references_among_10000_applications_answers_each()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("brela");
        var references = Enumerable.Range(0, 10_000)
            .Select(i => running.Registry.Submit(i % running.Catalogue.Services.Count, $"SP-LOAD{i:D6}", "pairwise-brela-load",
                $"load-{i}", JsonDocument.Parse("""{"proposedName":"Demo"}""").RootElement).Application.AgencyReference)
            .ToList();
        running.Clock.Advance(TimeSpan.FromHours(2.5));
        (await running.StatusAsync(references.Take(10))).Dispose();

        using var response = await running.StatusAsync(references.Skip(5_000).Take(500));
        var items = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items");

        // How fast is a benchmark's question (infra/bench), not a test's: a shared machine's timing fails at random.
        Assert.Equal(500, items.GetArrayLength());
        Assert.All(items.EnumerateArray(), item => Assert.True(item.TryGetProperty("status", out _)));
    }

    [Fact]
    public async Task Batch_status_refuses_a_citizens_assertion()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");

        using var response = await running.StatusAsync(["RITA-2026-000001"], assertion: running.CitizenAssertion());

        var problem = await SubmitTests.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "urn:serviceportal:problem:identity-invalid");
        Assert.Contains("portal-service+jwt", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_status_refuses_a_service_assertion_with_another_subject_or_with_citizen_claims()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");

        using var otherSubject = await running.StatusAsync(["RITA-2026-000001"],
            running.ServiceAssertion(new ServiceAssertion("rita", Subject: "pairwise-rita-7f3a9c")));
        using var withClaims = await running.StatusAsync(["RITA-2026-000001"],
            running.ServiceAssertion(new ServiceAssertion("rita", WithCitizenClaims: true)));
        using var otherAgency = await running.StatusAsync(["RITA-2026-000001"],
            running.ServiceAssertion(new ServiceAssertion("tra")));

        Assert.Contains("sub 'serviceportal'", (await SubmitTests.AssertProblemAsync(otherSubject, HttpStatusCode.Unauthorized,
            "urn:serviceportal:problem:identity-invalid")).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("no citizen claims", (await SubmitTests.AssertProblemAsync(withClaims, HttpStatusCode.Unauthorized,
            "urn:serviceportal:problem:identity-invalid")).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("another agency", (await SubmitTests.AssertProblemAsync(otherAgency, HttpStatusCode.Unauthorized,
            "urn:serviceportal:problem:identity-invalid")).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_status_without_Portal_Identity_is_refused_as_missing()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");
        using var request = new HttpRequestMessage(HttpMethod.Post, "applications/status")
        {
            Content = JsonContent.Create(new { references = new[] { "RITA-2026-000001" } }),
        };

        using var response = await running.Client.SendAsync(request);

        await SubmitTests.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "urn:serviceportal:problem:identity-missing");
    }
}
