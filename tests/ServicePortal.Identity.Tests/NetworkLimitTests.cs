using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ServicePortal.Identity.Tests;

/// <summary>The portal allowing three identity form submissions per client network per minute.</summary>
public sealed class ThreeFormsPerMinutePortalFactory : IdentityPortalFactory
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        With("Identity:AttemptsPerAddressPerMinute", "3");
    }
}

/// <summary>
/// Limits per client address hold across nodes (they are counted in PostgreSQL) and count an IPv6 client by its
/// /64, since one subscriber holds a whole /64.
/// </summary>
public sealed class NetworkLimitTests(ThreeFormsPerMinutePortalFactory portal) : IClassFixture<ThreeFormsPerMinutePortalFactory>
{
    [Fact]
    public async Task A_limit_counted_on_one_node_holds_on_another_sharing_the_database()
    {
        var second = new IdentityPortalFactory();
        await second.InitializeAsync();
        second.SharingDatabaseWith(portal).With("Identity:AttemptsPerAddressPerMinute", "3");
        try
        {
            portal.Clock.MoveToStartOfNextWindow(TimeSpan.FromMinutes(1));
            second.Clock.Follow(portal.Clock);
            using var one = portal.CreateClient();
            using var two = second.CreateClient();

            // Without an antiforgery token each is refused (400) after it is counted; the fourth is over the limit.
            Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(one));
            Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(one));
            Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(two));
            Assert.Equal(HttpStatusCode.TooManyRequests, await PostAsync(two));
            Assert.Equal(HttpStatusCode.TooManyRequests, await PostAsync(one));
        }
        finally
        {
            await ((IAsyncLifetime)second).DisposeAsync();
        }
    }

    [Fact]
    public async Task An_IPv6_client_changing_the_last_64_bits_is_counted_as_one()
    {
        portal.Clock.MoveToStartOfNextWindow(TimeSpan.FromMinutes(1));

        Assert.Equal(HttpStatusCode.BadRequest, await PostFromAsync("2001:db8:7:1::1"));
        Assert.Equal(HttpStatusCode.BadRequest, await PostFromAsync("2001:db8:7:1:ffff:1:2:3"));
        Assert.Equal(HttpStatusCode.BadRequest, await PostFromAsync("2001:db8:7:1:abcd::9"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await PostFromAsync("2001:db8:7:1:5:6:7:8"));
        // Another /64 is another subscriber.
        Assert.Equal(HttpStatusCode.BadRequest, await PostFromAsync("2001:db8:7:2::1"));
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient client)
    {
        using var form = new FormUrlEncodedContent([KeyValuePair.Create("Nin", "19880214-12345-67890-12"), KeyValuePair.Create("Password", "x")]);
        return (await client.PostAsync("/account/sign-in", form)).StatusCode;
    }

    /// <summary>A sign-in form posted from this address (the test server lets the test say where it comes from).</summary>
    private async Task<HttpStatusCode> PostFromAsync(string address)
    {
        var context = await portal.Server.SendAsync(http =>
        {
            http.Request.Method = HttpMethods.Post;
            http.Request.Path = "/account/sign-in";
            http.Request.ContentType = "application/x-www-form-urlencoded";
            http.Request.Body = new MemoryStream(Encoding.ASCII.GetBytes("Nin=19880214123456789012&Password=x"));
            http.Connection.RemoteIpAddress = IPAddress.Parse(address);
        });
        return (HttpStatusCode)context.Response.StatusCode;
    }
}

/// <summary>The portal allowing five wrong passwords or codes per client network per hour.</summary>
public sealed class FiveWrongPerHourPortalFactory : IdentityPortalFactory
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        With("Identity:WrongAttemptsPerNetworkPerHour", "5");
    }
}

/// <summary>
/// Guessing across many NINs from one network (password spraying) is bounded by the network, since each NIN's
/// own count would never reach its lock.
/// </summary>
public sealed class WrongAttemptsPerNetworkTests(FiveWrongPerHourPortalFactory portal) : IClassFixture<FiveWrongPerHourPortalFactory>
{
    [Fact]
    public async Task Wrong_passwords_for_many_NINs_from_one_network_stop_its_sign_ins_for_the_hour()
    {
        var (nin, _) = await portal.CreateAccountAsync();
        portal.Clock.MoveToStartOfNextWindow(TimeSpan.FromHours(1));
        using var browser = portal.CreateFormClient();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await browser.SubmitAsync("/account/sign-in", LockoutTests.Credentials(LockoutTests.UnknownNin(), "Mti-Mrefu-Wa-Mwembe"));
            Assert.Contains("NIN au nenosiri si sahihi", browser.LastPage, StringComparison.Ordinal);
        }

        var refused = await browser.SubmitAsync("/account/sign-in", LockoutTests.Credentials(nin, "Mti-Mrefu-Wa-Mwembe"));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("mtandao", LockoutTests.ErrorSummary(browser.LastPage), StringComparison.Ordinal);
    }
}
