using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Core.Database;

namespace ServicePortal.Gateway.Routing;

/// <summary>
/// Rebuilds this node's routes when the catalogue changes: one connection LISTENs on <c>catalog_changed</c>
/// (the catalogue's triggers NOTIFY at the commit of every change to agencies and endpoints, and the gateway's
/// entitlements trigger does the same), so every node rebuilds within a moment of an approval. Between
/// notifications, and after every reconnect, it compares the version itself, so a notification lost while
/// the connection was down is caught within <see cref="GatewayOptions.ReloadCheckInterval"/>.
/// </summary>
public sealed class GatewayRouteReloader(
    NpgsqlDataSource dataSource,
    GatewayRoutes routes,
    IOptions<GatewayOptions> options,
    ILogger<GatewayRouteReloader> logger) : ChannelListener(dataSource, logger)
{
    protected override string ChannelName => Catalog.Caching.CatalogChangeListener.Channel;

    protected override TimeSpan CheckInterval => options.Value.ReloadCheckInterval;

    protected override Task ListeningAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        routes.ReloadAsync(cancellationToken);

    // Woken by a notification or by the interval: either way the version decides whether to rebuild, so an idle
    // tick costs one small query.
    protected override Task WokeAsync(NpgsqlConnection connection, bool notified, CancellationToken cancellationToken) =>
        routes.ReloadAsync(cancellationToken);
}
