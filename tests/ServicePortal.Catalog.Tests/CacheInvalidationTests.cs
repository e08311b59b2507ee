using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.Catalog.Changes;

namespace ServicePortal.Catalog.Tests;

/// <summary>Two nodes on one database: a change made through one is seen by the other within two seconds.</summary>
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
        await Task.Delay(200); // let the second node's listener connect and settle

        var retired = await portal.Services.GetRequiredService<ServiceChanges>()
            .ChangeStatusAsync("rita-will-deposit", "retired", "staff:test", "retired", null, CancellationToken.None);
        Assert.True(retired);

        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            status = (await secondClient.GetAsync(Url)).StatusCode;
            if (status == HttpStatusCode.NotFound)
            {
                break;
            }

            await Task.Delay(50);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(2));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(HttpStatusCode.NotFound, (await firstClient.GetAsync(Url)).StatusCode);
        var list = await secondClient.GetStringAsync("/api/catalog/services?agency=rita");
        Assert.DoesNotContain("rita-will-deposit", list, StringComparison.Ordinal);
    }
}
