using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ServicePortal.Gateway.Tests;

/// <summary>
/// The portal on a real loopback port, with agency backends as real HTTP services: <see cref="EchoBackend"/>s
/// that answer with what they received, and (for assertion checks) the demo agencies. Each test adds its own
/// agency to the catalogue, so tests do not meet each other's routes.
/// </summary>
public class GatewayPortalFactory : PortalFactory
{
    public Uri Address { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        With("Identity:AllowHttp", "true"); // plain HTTP on loopback: the demo agencies read the JWKS from it
        With("Gateway:ReloadCheckInterval", "00:00:05");
        With("Gateway:RateLimits:tiny:PermitLimit", "3");
        With("Gateway:RateLimits:tiny:Window", "00:01:00");
        Address = StartKestrel();
    }

    /// <summary>A client of the portal that keeps cookies (Secure ones too, as a browser on loopback) and does not follow redirects.</summary>
    public FormClient NewBrowser() => new(LoopbackCookies.Client(Address));

    /// <summary>A signed-in citizen's browser (NIN, password, SMS code).</summary>
    public async Task<FormClient> SignedInBrowserAsync()
    {
        var (nin, phone) = await CreateAccountAsync();
        var browser = NewBrowser();
        await SignInAsync(browser, nin, phone);
        return browser;
    }

    /// <summary>Adds an approved agency with one approved endpoint; returns the agency code.</summary>
    public async Task<string> AddAgencyAsync(string endpoint, IEnumerable<Uri> destinations, string access = "citizen",
        string ratePolicy = "standard", int timeoutSeconds = 30, long maxBody = 1_048_576, int healthInterval = 5,
        string agencyStatus = "approved", bool ninEntitled = false, string? code = null)
    {
        code ??= "t" + Guid.NewGuid().ToString("N")[..10];
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        var agencyId = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO catalog.agencies (code, name_sw, name_en, status) VALUES (@code, 'Taasisi ya Majaribio', 'Test Agency', @agencyStatus) RETURNING id",
            new { code, agencyStatus });
        await AddEndpointAsync(agencyId, endpoint, destinations, access, ratePolicy, timeoutSeconds, maxBody, healthInterval);
        if (ninEntitled)
        {
            await connection.ExecuteAsync(
                "INSERT INTO gateway.agency_entitlements (agency_code, nin, granted_by) VALUES (@code, true, 'test')", new { code });
        }

        return code;
    }

    public async Task AddEndpointAsync(string agency, string endpoint, IEnumerable<Uri> destinations, string status = "approved",
        string ratePolicy = "standard", string? destinationsJson = null)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        var agencyId = await connection.ExecuteScalarAsync<long>("SELECT id FROM catalog.agencies WHERE code = @agency", new { agency });
        await AddEndpointAsync(agencyId, endpoint, destinations, "citizen", ratePolicy, 30, 1_048_576, 5, status, destinationsJson);
    }

    private async Task AddEndpointAsync(long agencyId, string endpoint, IEnumerable<Uri> destinations, string access,
        string ratePolicy, int timeoutSeconds, long maxBody, int healthInterval, string status = "approved", string? destinationsJson = null)
    {
        var json = destinationsJson ?? JsonSerializer.Serialize(destinations.Select((d, i) => new { name = $"d{i + 1}", address = d.ToString() }));
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.ExecuteAsync(
            """
            INSERT INTO catalog.agency_endpoints (agency_id, name, destinations, health_check_interval_seconds, timeout_seconds,
                max_request_body_bytes, auth_requirement, rate_limit_policy, status)
            VALUES (@agencyId, @endpoint, @json::jsonb, @healthInterval, @timeoutSeconds, @maxBody, @access, @ratePolicy, @status)
            """, new { agencyId, endpoint, json, healthInterval, timeoutSeconds, maxBody, access, ratePolicy, status });
    }

    /// <summary>Waits until this node's gateway has built the routes of the catalogue as it is now.</summary>
    public async Task RoutesCaughtUpAsync()
    {
        var routes = Services.GetRequiredService<Routing.GatewayRoutes>();
        var version = await CountAsync("SELECT version FROM catalog.catalog_state");
        var entitlements = await CountAsync("SELECT version FROM gateway.entitlements_state");
        await Testing.Eventually.ValueAsync(() => Task.FromResult((routes.AppliedVersion, routes.AppliedEntitlementsVersion)),
            applied => applied.AppliedVersion >= version && applied.AppliedEntitlementsVersion >= entitlements,
            $"the gateway's routes to reach catalogue version {version} and entitlements version {entitlements}");
    }
}

/// <summary>An agency backend that answers every request with what it received (a real HTTP service).</summary>
public sealed class EchoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _calls;

    private EchoBackend(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public bool Healthy { get; set; } = true;

    public int Calls => Volatile.Read(ref _calls);

    public static async Task<EchoBackend> StartAsync(string name = "echo")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.AddServerHeader = true).UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var backend = new EchoBackend(app);
        app.MapGet("/health", () => backend.Healthy ? Results.Ok("healthy") : Results.StatusCode(503));
        app.Map("/{**path}", async (HttpContext context) =>
        {
            Interlocked.Increment(ref backend._calls);
            var request = context.Request;
            if (request.Query["sleep"] is { Count: 1 } sleep)
            {
                await Task.Delay(int.Parse(sleep[0]!, System.Globalization.CultureInfo.InvariantCulture), context.RequestAborted);
            }

            if (request.Path.StartsWithSegments("/set-cookie"))
            {
                context.Response.Headers.Append("Set-Cookie", "agency_session=abc; Path=/; Domain=example.org; HttpOnly");
                context.Response.Headers.Append("Set-Cookie", "portal_session=evil; Path=/");
            }

            if (request.Path.StartsWithSegments("/many-cookies"))
            {
                // What a careless or hostile agency could set on the portal's origin: names of the portal's own, a
                // cookie too large, no HttpOnly, SameSite=None, a path that climbs out, and more than a browser needs.
                var cookies = context.Response.Headers;
                cookies.Append("Set-Cookie", "portal_session=evil; Path=/");
                cookies.Append("Set-Cookie", ".AspNetCore.Cookies=evil; Path=/");
                cookies.Append("Set-Cookie", "__Host-portal=evil; Path=/; Secure");
                cookies.Append("Set-Cookie", "__Secure-x=evil; Path=/; Secure");
                cookies.Append("Set-Cookie", "big=" + new string('b', 5000) + "; Path=/");
                cookies.Append("Set-Cookie", "climb=1; Path=/../../../account");
                for (var i = 0; i < 14; i++)
                {
                    cookies.Append("Set-Cookie", $"c{i}={i}; Path=/; SameSite=None");
                }
            }

            if (request.Path.StartsWithSegments("/typed"))
            {
                // An answer of the content type the caller names, with content that would be active in a browser.
                context.Response.Headers["X-Powered-By"] = "EchoFramework 1.0";
                var type = request.Query["type"].ToString();
                if (type.Length > 0)
                {
                    context.Response.ContentType = type;
                }

                await context.Response.WriteAsync("AGENCY-CONTENT<script>alert(document.cookie)</script>", context.RequestAborted);
                return Results.Empty;
            }

            if (request.Path.StartsWithSegments("/redirect"))
            {
                context.Response.StatusCode = StatusCodes.Status302Found;
                context.Response.Headers.Location = request.Query["to"].ToString();
                return Results.Empty;
            }

            if (request.Path.StartsWithSegments("/hostile-headers"))
            {
                // What a careless or hostile agency could answer: each of these would act on the portal's whole origin.
                var headers = context.Response.Headers;
                headers["Service-Worker-Allowed"] = "/";
                headers["Clear-Site-Data"] = "\"cookies\", \"storage\"";
                headers["Refresh"] = "0; url=https://evil.example/";
                headers["Link"] = "</agencies/x/sw.js>; rel=serviceworker";
                headers.WWWAuthenticate = "Basic realm=\"Lango la Huduma\"";
                headers.AccessControlAllowOrigin = "*";
                headers.AccessControlAllowCredentials = "true";
                headers.StrictTransportSecurity = "max-age=0";
                headers.ContentSecurityPolicy = "script-src * 'unsafe-inline'";
                headers.XFrameOptions = "ALLOWALL";
                headers["Cross-Origin-Opener-Policy"] = "unsafe-none";
                headers["Permissions-Policy"] = "camera=*";
                headers["X-Agency-Secret"] = "internal";
                headers["Set-Cookie"] = "sid=1; Path=/";
                // What an agency's page or API legitimately says about its answer.
                headers.CacheControl = "private, max-age=60";
                headers.ETag = "\"v1\"";
                headers.LastModified = "Tue, 01 Dec 2026 10:00:00 GMT";
                headers.Expires = "Tue, 01 Dec 2026 11:00:00 GMT";
                headers.ContentLanguage = "sw";
                headers.ContentDisposition = "inline; filename=\"cheti.json\"";
                headers.Vary = "Accept-Language";
                headers.RetryAfter = "120";
                headers.AcceptRanges = "bytes";
            }

            context.Response.Headers["X-Powered-By"] = "EchoFramework 1.0";
            var body = await new StreamReader(request.Body).ReadToEndAsync(context.RequestAborted);
            return Results.Json(new
            {
                backend = name,
                method = request.Method,
                path = request.Path.Value,
                rawTarget = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget,
                query = request.QueryString.Value,
                bodyLength = body.Length,
                headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        backend.Address = new Uri(address.EndsWith('/') ? address : address + "/");
        return backend;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

/// <summary>What an <see cref="EchoBackend"/> says it received.</summary>
public sealed record Echo(string Backend, string Method, string Path, string? RawTarget, string? Query, int BodyLength,
    Dictionary<string, string> Headers)
{
    public static async Task<Echo> ReadAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"expected 200, got {(int)response.StatusCode} for {response.RequestMessage?.RequestUri}: {response.Headers}");
        return (await response.Content.ReadFromJsonAsync<Echo>(new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
    }

    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}
