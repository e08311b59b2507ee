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

/// <summary>The portal allowing five NINs tried per client network per hour.</summary>
public sealed class FiveNinsPerHourPortalFactory : IdentityPortalFactory
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        With("Identity:NinsTriedPerNetworkPerHour", "5");
    }
}

/// <summary>
/// Guessing across many NINs from one network (credential stuffing, password spraying) is bounded by the number of
/// distinct NINs the network tries, since each NIN's own count would never reach its lock. It is not a count of raw
/// wrong attempts: behind a carrier's NAT thousands of phones share one address, and one person's typos (or one
/// attacker's guesses at one NIN, which that NIN's lock bounds) must not close sign-in for all of them; and a browser
/// that has signed in to the NIN before is never refused by its network's limit.
/// </summary>
public sealed class WrongAttemptsPerNetworkTests(FiveNinsPerHourPortalFactory portal) : IClassFixture<FiveNinsPerHourPortalFactory>
{
    private const string Password = "Mti-Mrefu-Wa-Mwembe";

    [Fact]
    public async Task Wrong_passwords_for_many_NINs_from_one_network_stop_its_sign_ins_for_the_hour()
    {
        var (nin, _) = await portal.CreateAccountAsync();
        portal.Clock.MoveToStartOfNextWindow(TimeSpan.FromHours(1));
        using var browser = portal.CreateFormClient();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await browser.SubmitAsync("/account/sign-in", LockoutTests.Credentials(LockoutTests.UnknownNin(), Password));
            Assert.Contains("NIN au nenosiri si sahihi", browser.LastPage, StringComparison.Ordinal);
        }

        var refused = await browser.SubmitAsync("/account/sign-in", LockoutTests.Credentials(nin, Password));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("mtandao", LockoutTests.ErrorSummary(browser.LastPage), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Many_wrong_passwords_for_few_NINs_do_not_close_the_network()
    {
        // Four people behind one carrier address, each mistyping their password four times: sixteen wrong attempts,
        // four NINs. Each still signs in.
        portal.Clock.MoveToStartOfNextWindow(TimeSpan.FromHours(1));
        for (var person = 1; person <= 4; person++)
        {
            var (nin, phone) = await portal.CreateAccountAsync(Password);
            using var browser = portal.CreateFormClient();
            for (var typo = 1; typo <= 4; typo++)
            {
                await browser.SubmitAsync("/account/sign-in", LockoutTests.Credentials(nin, Password + typo));
                Assert.Contains("NIN au nenosiri si sahihi", LockoutTests.ErrorSummary(browser.LastPage), StringComparison.Ordinal);
            }

            var right = await browser.SubmitAsync("/account/sign-in", LockoutTests.Credentials(nin, Password));
            Assert.True(right.StatusCode == HttpStatusCode.Redirect, $"person {person} was refused: " + LockoutTests.ErrorSummary(browser.LastPage));
            var done = await browser.SubmitAsync("/account/sign-in/code", new Dictionary<string, string?> { ["Code"] = await portal.LatestCodeAsync(phone) });
            Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        }
    }

    [Fact]
    public async Task A_browser_that_signed_in_to_the_NIN_before_is_not_refused_by_its_networks_limit()
    {
        portal.Clock.MoveToStartOfNextWindow(TimeSpan.FromHours(1));
        var (nin, phone) = await portal.CreateAccountAsync(Password);
        using var owner = portal.CreateFormClient();
        await portal.SignInAsync(owner, nin, phone, Password);
        await owner.SubmitAsync("/account/sign-out", new Dictionary<string, string?>());

        // Someone else on the same carrier address tries NINs until the network's limit stops them.
        portal.Clock.MoveToStartOfNextWindow(TimeSpan.FromHours(1));
        using var stuffer = portal.CreateFormClient();
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            await stuffer.SubmitAsync("/account/sign-in", LockoutTests.Credentials(LockoutTests.UnknownNin(), Password));
        }

        Assert.Contains("mtandao", LockoutTests.ErrorSummary(stuffer.LastPage), StringComparison.Ordinal);

        // The owner, in the browser they signed in on before, still gets in.
        var afterPassword = await owner.SubmitAsync("/account/sign-in", LockoutTests.Credentials(nin, Password));
        Assert.True(afterPassword.StatusCode == HttpStatusCode.Redirect, "The owner was refused: " + LockoutTests.ErrorSummary(owner.LastPage));
        var done = await owner.SubmitAsync("/account/sign-in/code", new Dictionary<string, string?> { ["Code"] = await portal.LatestCodeAsync(phone) });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("/account", done.Headers.Location!.OriginalString);
    }
}
