namespace ServicePortal.Catalog.Tests;

/// <summary>The demo catalogue where the demo agencies run as a service of their own (compose, Kubernetes).</summary>
public sealed class DemoAgenciesElsewhereFactory : CatalogPortalFactory
{
    public DemoAgenciesElsewhereFactory() => With("DemoAgencies:rita", "http://demo-agencies:5102");
}

/// <summary>
/// The seeded demo agencies' endpoints point where the deployment says each demo agency is (<c>DemoAgencies:{code}</c>,
/// the same setting the start-up banner reads), and at the loopback default of <c>./build.sh run</c> otherwise.
/// </summary>
public sealed class DemoAgencyAddressTests(DemoAgenciesElsewhereFactory portal) : IClassFixture<DemoAgenciesElsewhereFactory>
{
    [Fact]
    public async Task A_demo_agencys_endpoint_is_seeded_at_its_configured_address_and_the_others_at_loopback()
    {
        _ = portal.Server; // starts the host: the catalogue is seeded before it serves
        var rita = await DestinationAsync("rita");
        var brela = await DestinationAsync("brela");

        Assert.Equal("http://demo-agencies:5102/", rita);
        Assert.Equal("http://127.0.0.1:5103/", brela);
    }

    /// <summary>The first destination the seeded catalogue gives the agency (seeded in the background at start).</summary>
    private Task<string?> DestinationAsync(string agency) =>
        Eventually.ValueAsync(() => portal.ScalarAsync<string?>(
                """
                SELECT e.destinations -> 0 ->> 'address' FROM catalog.agency_endpoints e
                JOIN catalog.agencies a ON a.id = e.agency_id WHERE a.code = @agency
                """, new { agency }),
            address => address is not null, $"the seeded destination of {agency}");
}
