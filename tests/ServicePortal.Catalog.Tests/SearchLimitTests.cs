using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ServicePortal.Catalog.Tests;

/// <summary>
/// The catalogue allowing three searches per client network per hour (production: 600 a minute), and a request
/// header, in tests only, that says which address a request comes from (the test server has no real client).
/// </summary>
public sealed class ThreeSearchesPortalFactory : CatalogPortalFactory
{
    public const string ClientAddressHeader = "X-Test-Client-Address";

    public ThreeSearchesPortalFactory()
    {
        With("Catalog:SearchLimit:PermitLimit", "3");
        With("Catalog:SearchLimit:Window", "01:00:00"); // no new window starts during the test
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddTransient<IStartupFilter, ClientAddressFromHeader>());
    }

    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[ClientAddressHeader].ToString(), out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>
/// Searching is limited per client network (an IPv4 address, an IPv6 /64) on each node: past the limit, 429 with
/// Retry-After, a page in the person's language or a problem for the API; other networks are not affected.
/// </summary>
public sealed class SearchLimitTests(ThreeSearchesPortalFactory portal) : IClassFixture<ThreeSearchesPortalFactory>
{
    private async Task<HttpResponseMessage> SearchAsync(string address, string path = "/huduma?q=cheti")
    {
        using var client = portal.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(ThreeSearchesPortalFactory.ClientAddressHeader, address);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Past_the_limit_a_network_gets_429_with_Retry_After_in_its_language_and_other_networks_search_on()
    {
        // One IPv4 network: the page and the API count together.
        Assert.Equal(HttpStatusCode.OK, (await SearchAsync("41.59.10.1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SearchAsync("41.59.10.1", "/api/catalog/services?q=cheti")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SearchAsync("41.59.10.1", "/huduma?q=leseni&lang=en")).StatusCode);
        var page = await SearchAsync("41.59.10.1");
        var english = await SearchAsync("41.59.10.1", "/huduma?q=cheti&lang=en");
        var api = await SearchAsync("41.59.10.1", "/api/catalog/services?q=cheti");

        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.True(page.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {page.Headers.RetryAfter}");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"sw\">", html, StringComparison.Ordinal);
        Assert.Contains("Maombi ni mengi mno", html, StringComparison.Ordinal);
        Assert.Contains("Too many requests", await english.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        Assert.True(api.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        // Reading the catalogue otherwise is not counted; another network searches on.
        using var reader = portal.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SearchAsync("41.59.10.2")).StatusCode);

        // IPv6: one subscriber's /64 is one network, whichever address of it.
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SearchAsync($"2c0f:fe38:2001:7::{i}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await SearchAsync("2c0f:fe38:2001:7:aaaa::99")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SearchAsync("2c0f:fe38:2001:8::1")).StatusCode);
    }
}
