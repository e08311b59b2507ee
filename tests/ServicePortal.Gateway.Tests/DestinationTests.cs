using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.Requests.Agencies;

namespace ServicePortal.Gateway.Tests;

/// <summary>The portal as outside Development: agency destinations must be https and public.</summary>
public sealed class StrictDestinationsPortalFactory : GatewayPortalFactory
{
    public override Task InitializeAsync()
    {
        LoopbackAgencies = false;
        return base.InitializeAsync();
    }
}

/// <summary>
/// Where the portal may send a citizen's call or its own: only to https and public addresses outside Development.
/// Checked when an agency proposes an endpoint (a clear problem in both languages), when the routes are built
/// (literal addresses), and again when the gateway or the agency connector connects (a name can be made to resolve
/// to a private address after approval): nothing reaches the loopback, private, link-local or metadata ranges.
/// </summary>
public sealed class DestinationTests(StrictDestinationsPortalFactory portal) : IClassFixture<StrictDestinationsPortalFactory>
{
    [Theory]
    [InlineData("http://api.agency.example/")] // plain http
    [InlineData("https://127.0.0.1/")]
    [InlineData("https://localhost:8443/")]
    [InlineData("https://2130706433/")] // 127.0.0.1 written as one number
    [InlineData("https://10.1.2.3/")]
    [InlineData("https://172.16.0.9/")]
    [InlineData("https://192.168.1.10/")]
    [InlineData("https://100.64.0.1/")] // carrier-grade NAT
    [InlineData("https://169.254.169.254/latest/")] // the cloud metadata service
    [InlineData("https://0.0.0.0/")]
    [InlineData("https://224.0.0.1/")] // multicast
    [InlineData("https://[::1]/")]
    [InlineData("https://[fd12:3456::1]/")] // unique local
    [InlineData("https://[fe80::1]/")] // link-local
    [InlineData("https://[::ffff:169.254.169.254]/")] // IPv4-mapped metadata
    [InlineData("https://[::ffff:7f00:1]/")] // IPv4-mapped loopback
    public async Task An_agency_cannot_propose_an_endpoint_at_plain_http_or_a_private_address(string address)
    {
        using var api = await AgencyApiAsync();

        using var answer = await api.PutAsJsonAsync("/api/agency/endpoints/maombi", Endpoint(address));
        var problem = await answer.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        var message = problem.GetProperty("errors").GetProperty("destinations[0].address")[0].GetString()!;
        Assert.Contains("https", message, StringComparison.Ordinal);
        Assert.Contains("mtandao wa umma", message, StringComparison.Ordinal); // Kiswahili first
        Assert.Contains("public", message, StringComparison.Ordinal); // then English
    }

    [Theory]
    [InlineData("https://93.184.215.14/")]
    [InlineData("https://api.agency.example/v1/")]
    [InlineData("https://[2606:4700::1111]/")]
    public async Task An_agency_can_propose_an_endpoint_at_a_public_https_address(string address)
    {
        using var api = await AgencyApiAsync();

        using var answer = await api.PutAsJsonAsync("/api/agency/endpoints/maombi", Endpoint(address));

        Assert.True(answer.StatusCode == HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("http://93.184.215.14/")]
    [InlineData("https://127.0.0.1:9/")]
    [InlineData("https://[::ffff:10.0.0.1]/")]
    public async Task A_route_to_plain_http_or_a_private_literal_address_is_not_built(string address)
    {
        var agency = await portal.AddAgencyAsync("api", [new Uri(address)], access: "public");
        await portal.RoutesCaughtUpAsync();
        using var client = portal.NewBrowser();
        client.Http.DefaultRequestHeaders.Accept.ParseAdd("application/json");

        using var answer = await client.Http.GetAsync($"/agencies/{agency}/api/x");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
    }

    [Fact]
    public async Task The_gateway_refuses_to_connect_when_a_name_resolves_to_a_private_address()
    {
        await using var listener = CountingListener.Start();
        Assert.Equal(1, await listener.ProbeAsync("localhost")); // the name leads to the listener
        var agency = await portal.AddAgencyAsync("api", [new Uri($"https://localhost:{listener.Port}/")], access: "public");
        await portal.RoutesCaughtUpAsync();
        using var client = portal.NewBrowser();
        client.Http.DefaultRequestHeaders.Accept.ParseAdd("application/json");

        using var answer = await client.Http.GetAsync($"/agencies/{agency}/api/x");

        Assert.True(answer.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, $"answered {(int)answer.StatusCode}");
        Assert.Equal(1, listener.Accepted); // only the probe above: neither the call nor a health check connected
    }

    [Fact]
    public async Task The_agency_connector_refuses_to_connect_when_a_name_resolves_to_a_private_address()
    {
        await using var listener = CountingListener.Start();
        Assert.Equal(1, await listener.ProbeAsync("localhost"));
        var agency = await portal.AddAgencyAsync("applications", [new Uri($"https://localhost:{listener.Port}/")], access: "public");
        var connector = portal.Services.GetRequiredService<AgencyConnector>();

        var answer = await connector.StatusAsync(agency, "/applications/status", ["X-2026-000001"], CancellationToken.None);

        Assert.NotNull(answer.Problem);
        Assert.Contains("public", answer.Problem, StringComparison.Ordinal);
        Assert.Equal(1, listener.Accepted);
    }

    private static JsonObject Endpoint(string address) => new()
    {
        ["destinations"] = new JsonArray(new JsonObject { ["name"] = "primary", ["address"] = address }),
        ["authRequirement"] = "citizen",
    };

    private async Task<HttpClient> AgencyApiAsync()
    {
        var agency = "t" + Guid.NewGuid().ToString("N")[..10];
        await portal.ExecuteAsync("""
            INSERT INTO catalog.agencies (code, short_name, name_sw, name_en, status)
            VALUES (@agency, upper(@agency), 'Taasisi ya Majaribio', 'Test Agency', 'approved')
            """, new { agency });
        var http = new HttpClient { BaseAddress = portal.Address };
        var token = await AppTokens.AgencyAsync(portal, http, agency, "agency.manage");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>A TCP listener on loopback that counts the connections made to it (it never speaks TLS).</summary>
    private sealed class CountingListener : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _accepted;
        private Task _loop = Task.CompletedTask;

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Accepted => Volatile.Read(ref _accepted);

        public static CountingListener Start()
        {
            var listener = new CountingListener();
            listener._listener.Start();
            listener._loop = listener.AcceptAsync();
            return listener;
        }

        /// <summary>Connects once by <paramref name="host"/>, and answers how many connections were counted once it was.</summary>
        public async Task<int> ProbeAsync(string host)
        {
            var before = Accepted;
            using (var client = new TcpClient())
            {
                await client.ConnectAsync(host, Port);
            }

            await Eventually.TrueAsync(() => Task.FromResult(Accepted != before), $"the listener to count the connection by {host}");
            return Accepted;
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    Interlocked.Increment(ref _accepted);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _loop;
            _stop.Dispose();
        }
    }
}
