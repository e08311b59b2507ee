using System.Net;

namespace ServicePortal.Gateway.Tests;

/// <summary>
/// The portal as outside Development, with one private destination named in <c>Gateway:AllowedPrivateDestinations</c>
/// (as a deployment names its in-cluster demo agencies): the backend it names is started first, so its port is known.
/// </summary>
public sealed class ListedDestinationsPortalFactory : GatewayPortalFactory
{
    public EchoBackend Listed { get; private set; } = null!;

    public EchoBackend Unlisted { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Listed = await EchoBackend.StartAsync("listed");
        Unlisted = await EchoBackend.StartAsync("unlisted");
        LoopbackAgencies = false; // the list, not the tests' loopback rule
        With("Gateway:AllowedPrivateDestinations", $"127.0.0.1:{Listed.Address.Port}");
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Listed.DisposeAsync();
        await Unlisted.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// A private destination is reached only when the deployment names it (host and port); every other one must be https
/// at a public address, as if nothing were listed: no blanket switch opens the cluster's private network.
/// </summary>
public sealed class ListedDestinationsTests(ListedDestinationsPortalFactory portal) : IClassFixture<ListedDestinationsPortalFactory>
{
    [Fact]
    public async Task Only_the_listed_private_destination_is_reached_another_port_or_name_on_the_same_machine_is_not()
    {
        var listed = await portal.AddAgencyAsync("api", [portal.Listed.Address], access: "public");
        var otherPort = await portal.AddAgencyAsync("api", [portal.Unlisted.Address], access: "public");
        var otherName = await portal.AddAgencyAsync("api", [new Uri($"http://localhost:{portal.Listed.Address.Port}/")], access: "public");
        await portal.RoutesCaughtUpAsync();
        using var client = portal.NewBrowser();
        client.Http.DefaultRequestHeaders.Accept.ParseAdd("application/json");

        var reached = await Echo.ReadAsync(await client.Http.GetAsync($"/agencies/{listed}/api/x"));
        using var refusedPort = await client.Http.GetAsync($"/agencies/{otherPort}/api/x");
        using var refusedName = await client.Http.GetAsync($"/agencies/{otherName}/api/x");

        Assert.Equal("listed", reached.Backend);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refusedPort.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refusedName.StatusCode);
        Assert.Equal(0, portal.Unlisted.Calls);
    }
}
