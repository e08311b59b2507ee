using Dapper;
using Microsoft.AspNetCore.Builder;
using Npgsql;
using ServicePortal.DemoAgencies;

namespace ServicePortal.Requests.Tests;

/// <summary>
/// The portal on a loopback port with the demo catalogue, and the demo agencies rita, brela and tra as real HTTP
/// services on ports of their own, trusting this portal. The catalogue's endpoints are pointed at them.
/// Jobs run with short intervals; a test that needs an agency down stops it (or tells it to fail).
/// </summary>
public class RequestsPortalFactory : PortalFactory
{
    private readonly Dictionary<string, WebApplication> _agencies = new(StringComparer.Ordinal);

    public Uri Address { get; private set; } = null!;

    public IReadOnlyDictionary<string, Uri> AgencyAddresses { get; private set; } = new Dictionary<string, Uri>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        With("Identity:AllowHttp", "true");
        With("Catalog:SeedDemoData", "true");
        With("Requests:RunJobs", "true");
        With("Requests:SyncInterval", "00:00:05");
        With("Requests:Workers", "2");
        With("Messaging:Sender", null);
        Address = StartKestrel();
        var addresses = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var code in new[] { "rita", "brela", "tra" })
        {
            var app = DemoAgencyHost.Build(DemoAgency.Get(code), "http://127.0.0.1:0", configure: b =>
            {
                b.Configuration["DemoAgencies:PortalUrl"] = Address.ToString();
                b.Configuration["DemoAgencies:LifecycleStep"] = "00:00:02";
            });
            await app.StartAsync();
            _agencies[code] = app;
            addresses[code] = DemoAgencyHost.BaseAddress(app);
            await using var connection = new NpgsqlConnection(Database.ConnectionString);
            await Eventually.TrueAsync(async () => await connection.ExecuteScalarAsync<long>(
                    "SELECT count(*) FROM catalog.agency_endpoints e JOIN catalog.agencies a ON a.id = e.agency_id WHERE a.code = @code",
                    new { code }) > 0,
                $"the demo catalogue's endpoints of {code} (seeded in the background at start)");

            await connection.ExecuteAsync(
                """
                UPDATE catalog.agency_endpoints e SET destinations = jsonb_build_array(jsonb_build_object('name', 'test', 'address', @address::text))
                FROM catalog.agencies a WHERE a.id = e.agency_id AND a.code = @code
                """, new { code, address = addresses[code].ToString() });
        }

        AgencyAddresses = addresses;
    }

    public async Task StopAgencyAsync(string code) => await _agencies[code].StopAsync();

    /// <summary>A client of a demo agency's test controls (<c>/_demo</c>), with its control token.</summary>
    public HttpClient AgencyControl(string code) => DemoAgencyHost.ControlClient(_agencies[code]);

    public override async ValueTask DisposeAsync()
    {
        foreach (var app in _agencies.Values)
        {
            await app.DisposeAsync();
        }

        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>A request already at the agency (inserted as the submission would leave it), for push and pull tests.</summary>
    public async Task<(string Reference, string AgencyReference)> SubmittedRequestAsync(string nin, string agency, string serviceCode,
        string answers = "{}")
    {
        var reference = ServicePortal.Requests.Applications.PortalReference.New().Value;
        var agencyReference = $"{agency.ToUpperInvariant()}-2026-{Random.Shared.Next(1_000_000):D6}";
        await ExecuteAsync(
            """
            INSERT INTO requests.requests (reference, account_id, service_code, agency, answers, status, idempotency_key, acr,
                                           submit_path, status_path, agency_reference, submitted_at)
            SELECT @reference, id, @serviceCode, @agency, @answers::jsonb, 'submitted', @reference, 'urn:serviceportal:loa:substantial',
                   '/applications/x', '/applications/status', @agencyReference, now()
            FROM identity.accounts WHERE nin = @digits
            """, new { reference, serviceCode, agency, agencyReference, answers, digits = nin.Replace("-", "", StringComparison.Ordinal) });
        return (reference, agencyReference);
    }

    /// <summary>A client of the portal that keeps cookies as a browser does on a loopback address (they are Secure).</summary>
    public HttpClient Client() => LoopbackCookies.Client(Address);

    /// <summary>A new citizen and an access token of their app with the given scopes.</summary>
    public async Task<(string Nin, string Phone, HttpClient Api)> CitizenAppAsync(string scope = "openid requests", string language = "sw")
    {
        var (nin, phone) = await CreateAccountAsync(language: language);
        var token = await AppTokens.CitizenAsync(this, Client(), nin, phone, scope);
        var api = Client();
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return (nin, phone, api);
    }
}
