using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.DemoAgencies;

namespace ServicePortal.Gateway.Tests;

/// <summary>The audit of proxied calls, and a real demo agency verifying the portal's assertion end to end.</summary>
public sealed class AuditAndAssertionTests(GatewayPortalFactory portal) : IClassFixture<GatewayPortalFactory>
{
    [Fact]
    public async Task Every_call_is_audited_with_who_where_and_how_it_ended_but_no_query_values()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address]);
        await portal.RoutesCaughtUpAsync();
        using var browser = await portal.SignedInBrowserAsync();
        browser.Http.DefaultRequestHeaders.Accept.ParseAdd("application/json");

        var answer = await browser.Http.GetAsync($"/agencies/{agency}/api/records?nin=19880214123451234512&page=2");
        var subject = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken((await Echo.ReadAsync(answer)).Header("Portal-Identity")).Subject;
        using var anonymous = portal.NewBrowser();
        anonymous.Http.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        await anonymous.Http.GetAsync($"/agencies/{agency}/api/records");
        var requestId = answer.Headers.GetValues("X-Request-Id").Single();
        var rows = await WaitForRowsAsync(portal, agency, 2);

        var call = Assert.Single(rows, r => r.RequestId == requestId);
        Assert.Equal(subject, call.Subject);
        Assert.Equal("api", call.Endpoint);
        Assert.Equal("GET", call.Method);
        Assert.Equal($"/agencies/{agency}/api/records?nin=&page=", call.Path);
        Assert.Equal(200, call.Status);
        Assert.True(call.BytesOut > 0);
        var refused = Assert.Single(rows, r => r.RequestId != requestId);
        Assert.Null(refused.Subject);
        Assert.Equal(401, refused.Status);
    }

    [Fact]
    public async Task What_is_queued_at_shutdown_is_written_before_the_host_stops()
    {
        var own = new GatewayPortalFactory();
        own.With("Gateway:AuditFlushInterval", "00:30:00"); // nothing is written until the queue closes
        await ((IAsyncLifetime)own).InitializeAsync();
        try
        {
            await using var backend = await EchoBackend.StartAsync();
            var agency = await own.AddAgencyAsync("api", [backend.Address], access: "public");
            await own.RoutesCaughtUpAsync();
            using var client = own.NewBrowser();
            for (var i = 0; i < 25; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync($"/agencies/{agency}/api/n{i}")).StatusCode);
            }

            var beforeStop = await own.CountAsync("SELECT count(*) FROM gateway.proxied_calls WHERE agency = @agency", new { agency });
            await own.DisposeAsync(); // the host stops: the web server first, then the audit writer drains
            var afterStop = await own.CountAsync("SELECT count(*) FROM gateway.proxied_calls WHERE agency = @agency", new { agency });

            Assert.Equal(0, beforeStop);
            Assert.Equal(25, afterStop);
        }
        finally
        {
            await ((IAsyncLifetime)own).DisposeAsync();
        }
    }

    [Fact]
    public async Task Records_wait_while_PostgreSQL_is_away_and_are_written_once_when_it_returns()
    {
        var own = new GatewayPortalFactory();
        own.With("Gateway:AuditFlushInterval", "00:00:00.200");
        await ((IAsyncLifetime)own).InitializeAsync();
        try
        {
            await using var backend = await EchoBackend.StartAsync();
            var agency = await own.AddAgencyAsync("api", [backend.Address], access: "public");
            await own.RoutesCaughtUpAsync();
            using var client = own.NewBrowser();

            // PostgreSQL goes away for this portal: no new connection is let in, and the open ones are ended.
            await own.Database.SetConnectionsAllowedAsync(false);
            var answers = new List<HttpStatusCode>();
            for (var i = 0; i < 20; i++)
            {
                answers.Add((await client.Http.GetAsync($"/agencies/{agency}/api/away{i}")).StatusCode);
            }

            // The writer tries, fails and backs off before PostgreSQL comes back.
            await Eventually.TrueAsync(() => Task.FromResult(own.Logs.Contains("Audit records could not be written")),
                "the audit writer to fail while PostgreSQL is away");
            await own.Database.SetConnectionsAllowedAsync(true);
            var rows = await WaitForRowsAsync(own, agency, 20, TimeSpan.FromSeconds(90));

            Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status)); // citizens were served all along
            Assert.Equal(20, rows.Count);
            Assert.Equal(20, rows.Select(r => r.RequestId).Distinct().Count());
        }
        finally
        {
            await own.Database.SetConnectionsAllowedAsync(true);
            await ((IAsyncLifetime)own).DisposeAsync();
        }
    }

    [Fact]
    public async Task A_demo_agency_verifies_the_assertion_with_the_portals_JWKS_and_names_the_citizen()
    {
        await using var rita = DemoAgencyHost.Build(DemoAgency.Get("rita"), "http://127.0.0.1:0",
            configure: b => b.Configuration["DemoAgencies:PortalUrl"] = portal.Address.ToString());
        await rita.StartAsync();
        var address = DemoAgencyHost.BaseAddress(rita);
        await portal.AddAgencyAsync("applications", [address], ninEntitled: true, code: "rita");
        var misaddressed = await portal.AddAgencyAsync("applications", [address]); // another agency's route to rita's backend
        await portal.RoutesCaughtUpAsync();
        var (nin, phone) = await portal.CreateAccountAsync();
        using var browser = portal.NewBrowser();
        await portal.SignInAsync(browser, nin, phone);
        browser.Http.DefaultRequestHeaders.Accept.ParseAdd("application/json");

        var answer = await browser.Http.GetAsync("/agencies/rita/applications/whoami");
        var claims = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        var wrong = await browser.Http.GetAsync($"/agencies/{misaddressed}/applications/whoami");
        var wrongProblem = JsonDocument.Parse(await wrong.Content.ReadAsStringAsync()).RootElement;
        using var direct = new HttpClient();
        var bypass = await direct.GetAsync(new Uri(address, "whoami"));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("rita", claims.GetProperty("aud").GetString());
        Assert.Equal(portal.Address.ToString(), claims.GetProperty("iss").GetString());
        Assert.Equal(System.Text.RegularExpressions.Regex.Replace(nin, @"^(\d{8})(\d{5})(\d{5})(\d{2})$", "$1-$2-$3-$4"),
            claims.GetProperty("nin").GetString());
        Assert.Equal("urn:serviceportal:loa:substantial", claims.GetProperty("acr").GetString());
        Assert.Equal(answer.Headers.GetValues("X-Request-Id").Single(), claims.GetProperty("requestId").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode); // addressed to another agency: refused
        Assert.Equal("urn:serviceportal:problem:identity-invalid", wrongProblem.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, bypass.StatusCode); // around the portal there is no identity
    }

    private sealed record AuditRow(string RequestId, string? Subject, string Endpoint, string Method, string Path, short Status, long BytesOut);

    private static Task<List<AuditRow>> WaitForRowsAsync(GatewayPortalFactory portal, string agency, int count,
        TimeSpan? within = null) =>
        Eventually.ValueAsync(async () =>
        {
            await using var connection = new Npgsql.NpgsqlConnection(portal.Database.ConnectionString);
            return (await Dapper.SqlMapper.QueryAsync<AuditRow>(connection,
                """
                SELECT request_id AS RequestId, subject AS Subject, endpoint AS Endpoint, method AS Method, path AS Path,
                       status AS Status, bytes_out AS BytesOut
                FROM gateway.proxied_calls WHERE agency = @agency
                """, new { agency })).ToList();
        }, rows => rows.Count >= count, $"{count} audit rows of {agency}", within);
}
