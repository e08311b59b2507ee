using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ServicePortal.DemoAgencies.Applications;

namespace ServicePortal.DemoAgencies.Tests.Applications;

/// <summary><c>/_demo</c>: making an agency fail, slow or broken, so the portal's handling of that can be tested.</summary>
public sealed class DemoBehaviourTests
{
    [Fact]
    public async Task Fail_mode_answers_503_to_submit_and_status_until_normal_mode_is_back()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");
        await running.SetBehaviourAsync("fail");

        using var submit = await running.SubmitAsync("rita-birth-certificate", "SP-FAILMODE01");
        using var status = await running.StatusAsync(["RITA-2026-000001"]);
        await running.SetBehaviourAsync("normal");
        using var afterwards = await running.SubmitAsync("rita-birth-certificate", "SP-FAILMODE01");

        await SubmitTests.AssertProblemAsync(submit, HttpStatusCode.ServiceUnavailable, "urn:serviceportal:problem:agency-unavailable");
        await SubmitTests.AssertProblemAsync(status, HttpStatusCode.ServiceUnavailable, "urn:serviceportal:problem:agency-unavailable");
        Assert.NotNull(submit.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.Created, afterwards.StatusCode);
    }

    [Fact]
    public async Task Slow_mode_waits_the_given_delay_before_answering()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("tra");
        await running.SetBehaviourAsync("slow", delayMs: 600);

        var timer = Stopwatch.StartNew();
        using var submit = await running.SubmitAsync("tra-tin-individual", "SP-SLOWMODE01");
        var submitTook = timer.Elapsed;
        timer.Restart();
        using var status = await running.StatusAsync(["TRA-2026-000001"]);
        var statusTook = timer.Elapsed;

        Assert.Equal(HttpStatusCode.Created, submit.StatusCode);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.True(submitTook >= TimeSpan.FromMilliseconds(550), $"submit took {submitTook}");
        Assert.True(statusTook >= TimeSpan.FromMilliseconds(550), $"status took {statusTook}");
    }

    [Fact]
    public async Task Malformed_mode_answers_status_with_broken_JSON_then_missing_fields_then_unknown_statuses_in_turn()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("brela");
        var reference = (await running.SubmitItemAsync("brela-business-name", "SP-MALFORMED1")).GetProperty("agencyReference").GetString()!;
        await running.SetBehaviourAsync("malformed");

        var bodies = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await running.StatusAsync([reference]);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            bodies.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(bodies[0]));
        var missing = JsonDocument.Parse(bodies[1]).RootElement.GetProperty("items")[0];
        Assert.Equal(reference, missing.GetProperty("agencyReference").GetString());
        Assert.False(missing.TryGetProperty("status", out _));
        Assert.False(missing.TryGetProperty("version", out _));
        var unknown = JsonDocument.Parse(bodies[2]).RootElement.GetProperty("items")[0];
        Assert.DoesNotContain(unknown.GetProperty("status").GetString(),
            new[] { "received", "under_review", "needs_correction", "payment_pending", "approved", "rejected", "issued", "withdrawn" });
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(bodies[3]));
    }

    [Fact]
    public async Task Malformed_mode_leaves_submission_as_it_is()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("brela");
        await running.SetBehaviourAsync("malformed");

        var item = await running.SubmitItemAsync("brela-business-name", "SP-MALFORMED2");

        Assert.Equal("received", item.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("""{ "mode": "broken" }""")]
    [InlineData("""{ "mode": "slow", "delayMs": -1 }""")]
    [InlineData("""{ "delayMs": 10 }""")]
    public async Task An_unknown_behaviour_is_refused_with_400(string body)
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");

        using var response = await running.Control.PostAsync("_demo/behaviour", RunningApplicationsAgency.Json(body));

        await SubmitTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "urn:serviceportal:problem:application-invalid");
    }

    [Fact]
    public async Task An_application_can_be_read_back_with_its_answers_and_path()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");
        var reference = (await running.SubmitItemAsync("rita-birth-certificate", "SP-READBACK01")).GetProperty("agencyReference").GetString()!;

        var application = await running.Control.GetFromJsonAsync<JsonElement>($"_demo/applications/{reference}");
        using var unknown = await running.Control.GetAsync("_demo/applications/RITA-2026-999999");

        Assert.Equal(reference, application.GetProperty("agencyReference").GetString());
        Assert.Equal("received", application.GetProperty("status").GetString());
        Assert.Equal("rita-birth-certificate", application.GetProperty("service").GetString());
        Assert.Equal("SP-READBACK01", application.GetProperty("reference").GetString());
        Assert.Equal("pairwise-rita-7f3a9c", application.GetProperty("subject").GetString());
        Assert.Equal("Demo childName", application.GetProperty("answers").GetProperty("childName").GetString());
        Assert.Equal("received", application.GetProperty("path")[0].GetString());
        await SubmitTests.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "urn:serviceportal:problem:application-not-found");
    }

    [Fact]
    public async Task The_demo_controls_answer_404_without_the_control_token_even_from_the_machine_itself()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");
        var reference = (await running.SubmitItemAsync("rita-birth-certificate", "SP-NOTOKEN01")).GetProperty("agencyReference").GetString()!;
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "_demo/behaviour") { Content = RunningApplicationsAgency.Json("""{ "mode": "fail" }""") };
        wrong.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-the-control-token-of-this-run-0000");

        // The gateway calls its agencies from loopback: being on the machine proves nothing.
        using var behaviour = await running.Client.PostAsync("_demo/behaviour", RunningApplicationsAgency.Json("""{ "mode": "fail" }"""));
        using var withWrongToken = await running.Client.SendAsync(wrong);
        using var application = await running.Client.GetAsync($"_demo/applications/{reference}");

        Assert.Equal(HttpStatusCode.NotFound, behaviour.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, withWrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, application.StatusCode);
        Assert.DoesNotContain("Demo childName", await application.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await running.SubmitAsync("rita-birth-certificate", "SP-NOTOKEN02")).StatusCode); // still normal
        Assert.Equal(HttpStatusCode.OK, (await running.Control.GetAsync($"_demo/applications/{reference}")).StatusCode); // with the token
    }

    [Fact]
    public async Task The_control_token_is_the_configured_one_and_a_short_one_is_refused_at_start()
    {
        var configured = new string('k', DemoControl.MinLength);
        await using var app = DemoAgencyHost.Build(DemoAgency.Get("tra"), "http://127.0.0.1:0",
            configure: b => b.Configuration[DemoControl.Setting] = configured);
        var made = DemoAgencyHost.Build(DemoAgency.Get("tra"), "http://127.0.0.1:0");
        await using var _ = made;

        Assert.Equal(configured, DemoAgencyHost.ControlToken(app));
        Assert.Matches("^[A-Za-z0-9_-]{43}$", DemoAgencyHost.ControlToken(made)); // 256 random bits when none is given
        var refused = Assert.Throws<InvalidOperationException>(() =>
            DemoAgencyHost.Build(DemoAgency.Get("tra"), "http://127.0.0.1:0", configure: b => b.Configuration[DemoControl.Setting] = "short"));
        Assert.Contains(DemoControl.Setting, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nida_takes_no_applications_and_has_no_demo_controls()
    {
        await using var app = DemoAgencyHost.Build(DemoAgency.Get("nida"), "http://127.0.0.1:0");
        await app.StartAsync();
        using var client = DemoAgencyHost.ControlClient(app);

        using var response = await client.PostAsync("_demo/behaviour", RunningApplicationsAgency.Json("""{ "mode": "fail" }"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
