using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServicePortal.Requests.Agencies;

namespace ServicePortal.Requests.Tests.Agencies;

/// <summary>
/// The agency connector speaks for a citizen only to the agency's own destination: a redirect is not followed (it
/// is an agency error, retried later like one), so the citizen's <c>Portal-Identity</c> is never sent elsewhere.
/// </summary>
public sealed class AgencyConnectorTests(RequestsPortalFactory portal) : IClassFixture<RequestsPortalFactory>
{
    [Fact]
    public async Task A_submission_answered_with_a_redirect_is_retried_and_the_assertion_goes_nowhere_else()
    {
        await using var elsewhere = await Server.StartAsync(_ => Results.Json(new { agencyReference = "X-1" }));
        await using var agency = await Server.StartAsync(_ => Results.Redirect(new Uri(elsewhere.Address, "collect").ToString(), preserveMethod: true));
        var code = await AgencyAtAsync(agency.Address);
        var connector = portal.Services.GetRequiredService<AgencyConnector>();

        var outcome = await SubmitAsync(connector, 1, "SP-REDIRECT1", code, await NewCitizenAsync());
        var status = await connector.StatusAsync(code, "/applications/status", ["X-1"], CancellationToken.None);

        Assert.Equal(2, agency.Received.Count);
        Assert.True(elsewhere.Received.IsEmpty,
            "the redirect was followed: " + string.Join(" | ", elsewhere.Received.Select(r => $"{r.Path} Portal-Identity={r.PortalIdentity}")));
        var retry = Assert.IsType<SubmitOutcome.Retry>(outcome);
        Assert.Contains("307", retry.Problem, StringComparison.Ordinal);
        Assert.Contains("307", status.Problem, StringComparison.Ordinal);
        Assert.Empty(status.Items);
    }

    [Fact]
    public async Task The_portals_own_calls_to_an_agency_are_on_the_same_audit_record_as_citizens_calls_through_the_gateway()
    {
        await using var agency = await Server.StartAsync(context => context.Request.Path.Value!.EndsWith("/submit", StringComparison.Ordinal)
            ? Results.Json(new { agencyReference = "RITA-2026-000042", status = "received" }, statusCode: 201)
            : Results.Json(new { items = Array.Empty<object>() }));
        var code = await AgencyAtAsync(agency.Address);
        var accountId = await NewCitizenAsync();
        var connector = portal.Services.GetRequiredService<AgencyConnector>();

        await SubmitAsync(connector, 7, "SP-AUDITED01", code, accountId);
        await connector.StatusAsync(code, "/applications/status", ["RITA-2026-000042"], CancellationToken.None);

        var rows = await Eventually.ValueAsync(
            async () => (await portal.QueryAsync<(string Method, string Path, int Status, string? Subject, string? ClientRequestId, string Endpoint)>(
                "SELECT method, path, status, subject, client_request_id, endpoint FROM gateway.proxied_calls WHERE agency = @code ORDER BY at",
                new { code })).ToList(),
            found => found.Count == 2, "the two calls in gateway.proxied_calls");

        var submit = rows.Single(r => r.Path == "/applications/submit");
        Assert.Equal(("POST", 201, "SP-AUDITED01", "applications"), (submit.Method, submit.Status, submit.ClientRequestId, submit.Endpoint));
        Assert.False(string.IsNullOrEmpty(submit.Subject)); // the pairwise subject the agency saw, not the account id
        Assert.NotEqual(accountId.ToString(), submit.Subject);
        var status = rows.Single(r => r.Path == "/applications/status");
        Assert.Equal(("POST", 200, null), (status.Method, status.Status, status.Subject)); // the portal's own question
    }

    /// <summary>A new citizen's application sent by the connector, as the submission job sends one.</summary>
    private static Task<SubmitOutcome> SubmitAsync(AgencyConnector connector, long id, string reference, string agency, Guid accountId) =>
        connector.SubmitAsync(new OutgoingRequest
        {
            Id = id,
            Reference = reference,
            AccountId = accountId,
            Agency = agency,
            ServiceCode = agency + "-service",
            Answers = """{"jina": "Rehema"}""",
            Acr = "urn:serviceportal:loa:substantial",
            Amr = ["pwd", "sms"],
            SubmitPath = "/applications/submit",
        }, CancellationToken.None);

    /// <summary>A new citizen's account id.</summary>
    private async Task<Guid> NewCitizenAsync()
    {
        var (nin, _) = await portal.CreateAccountAsync();
        return await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });
    }

    private async Task<string> AgencyAtAsync(Uri address)
    {
        var code = "t" + Guid.NewGuid().ToString("N")[..10];
        await portal.ExecuteAsync("""
            WITH agency AS (
                INSERT INTO catalog.agencies (code, name_sw, name_en, status) VALUES (@code, 'Taasisi ya Majaribio', 'Test Agency', 'approved')
                RETURNING id)
            INSERT INTO catalog.agency_endpoints (agency_id, name, destinations, auth_requirement, status)
            SELECT id, 'applications', jsonb_build_array(jsonb_build_object('name', 'd1', 'address', @address::text)), 'citizen', 'approved'
              FROM agency
            """, new { code, address = address.ToString() });
        return code;
    }

    /// <summary>A real HTTP server that records what reached it and answers as told.</summary>
    private sealed class Server : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Server(WebApplication app) => _app = app;

        public Uri Address { get; private set; } = null!;

        public ConcurrentQueue<(string Path, string? PortalIdentity)> Received { get; } = new();

        public static async Task<Server> StartAsync(Func<HttpContext, IResult> answer)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            var app = builder.Build();
            var server = new Server(app);
            app.Map("/{**path}", (HttpContext context) =>
            {
                server.Received.Enqueue((context.Request.Path.Value ?? "", context.Request.Headers["Portal-Identity"].FirstOrDefault()));
                return answer(context);
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            server.Address = new Uri(address.EndsWith('/') ? address : address + "/");
            return server;
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
