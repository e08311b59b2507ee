using System.Net;

namespace ServicePortal.Gateway.Tests;

/// <summary>The portal behind a load balancer it trusts (loopback here), which tells it each client's address.</summary>
public sealed class BehindProxyPortalFactory : GatewayPortalFactory
{
    public override Task InitializeAsync()
    {
        With("Web:TrustedProxies:0", "127.0.0.1");
        return base.InitializeAsync();
    }
}

/// <summary>
/// The anonymous rate limit counts a client's network, not its address: an IPv6 client is given a whole /64 and can
/// take a new address from it for every call (privacy extensions do so by themselves), so one /64 is one client.
/// </summary>
public sealed class NetworkRateLimitTests(BehindProxyPortalFactory portal) : IClassFixture<BehindProxyPortalFactory>
{
    [Fact]
    public async Task An_IPv6_client_cannot_escape_the_anonymous_limit_by_rotating_addresses_within_its_64()
    {
        await using var backend = await EchoBackend.StartAsync();
        var agency = await portal.AddAgencyAsync("api", [backend.Address], access: "public", ratePolicy: "tiny"); // 3 a minute
        await portal.RoutesCaughtUpAsync();
        using var client = portal.NewBrowser();
        client.Http.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        async Task<HttpStatusCode> FromAsync(string address)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/agencies/{agency}/api/x");
            request.Headers.Add("X-Forwarded-For", address);
            using var answer = await client.Http.SendAsync(request);
            return answer.StatusCode;
        }

        var rotating = new List<HttpStatusCode>();
        foreach (var address in new[] { "2001:db8:1:2::a", "2001:db8:1:2:8000::b", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::d" })
        {
            rotating.Add(await FromAsync(address));
        }

        var neighbour = await FromAsync("2001:db8:1:3::a"); // the next /64: another client
        var ipv4 = await FromAsync("198.51.100.7");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], rotating);
        Assert.Equal(HttpStatusCode.OK, neighbour);
        Assert.Equal(HttpStatusCode.OK, ipv4);
    }
}
