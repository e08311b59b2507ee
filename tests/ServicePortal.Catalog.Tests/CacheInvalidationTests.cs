using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.Catalog.Changes;

namespace ServicePortal.Catalog.Tests;

/// <summary>Two nodes on one database: a change made through one is seen by the other at once, not at its next hourly check.</summary>
public sealed class CacheInvalidationTests(CatalogPortalFactory portal) : IClassFixture<CatalogPortalFactory>
{
    [Fact]
    public async Task A_change_on_one_node_reaches_the_other_nodes_cache_through_NOTIFY()
    {
        // The second node checks the version itself only once an hour: only the notification can tell it.
        await using var second = new SecondNode(portal.Database.ConnectionString, TimeSpan.FromHours(1));
        await ((IAsyncLifetime)second).InitializeAsync();
        using var secondClient = second.CreateClient();
        using var firstClient = portal.CreateClient();
        const string Url = "/api/catalog/services/rita-will-deposit";
        Assert.Equal(HttpStatusCode.OK, (await secondClient.GetAsync(Url)).StatusCode); // now cached on the second node
        Assert.Equal(HttpStatusCode.OK, (await secondClient.GetAsync("/api/catalog/services?agency=rita")).StatusCode);

        var retired = await portal.Services.GetRequiredService<ServiceChanges>()
            .ChangeStatusAsync("rita-will-deposit", "retired", "staff:test", "retired", null, CancellationToken.None);
        Assert.True(retired);

        // However the second node's listener stands (connected already, or catching up when it connects), the
        // change reaches it without waiting for the hour its cache would otherwise keep the page.
        await Eventually.AnswersAsync(() => secondClient.GetAsync(Url), HttpStatusCode.NotFound, "the second node to forget the retired service");
        Assert.Equal(HttpStatusCode.NotFound, (await firstClient.GetAsync(Url)).StatusCode);
        var list = await secondClient.GetStringAsync("/api/catalog/services?agency=rita");
        Assert.DoesNotContain("rita-will-deposit", list, StringComparison.Ordinal);
    }
}
