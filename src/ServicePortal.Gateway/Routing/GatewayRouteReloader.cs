using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Core.Catalog;
using ServicePortal.Core.Database;

namespace ServicePortal.Gateway.Routing;

/// <summary>
/// Rebuilds this node's routes when the catalogue or the gateway's entitlements change: one connection LISTENs on
/// the catalogue's published channel (<see cref="IAgencyEndpointCatalog.ChangeChannel"/>: the catalogue's own
/// triggers NOTIFY at the commit of every change to agencies and endpoints) and on the gateway's own
/// <see cref="EntitlementsChannel"/>, so every node rebuilds within a moment of an approval. Between
/// notifications, and after every reconnect, it compares both versions itself, so a notification lost while
/// the connection was down is caught within <see cref="GatewayOptions.ReloadCheckInterval"/>.
/// </summary>
internal sealed class GatewayRouteReloader(
    NpgsqlDataSource dataSource,
    GatewayRoutes routes,
    IOptions<GatewayOptions> options,
    ILogger<GatewayRouteReloader> logger) : ChannelListener(dataSource, logger)
{
    /// <summary>The gateway's own channel: its entitlements trigger NOTIFYs there (migration 20261208_0300).</summary>
    public const string EntitlementsChannel = "gateway_entitlements_changed";

    protected override string ChannelName => IAgencyEndpointCatalog.ChangeChannel;

    protected override IReadOnlyList<string> MoreChannels => [EntitlementsChannel];

    protected override TimeSpan CheckInterval => options.Value.ReloadCheckInterval;

    protected override Task ListeningAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        routes.ReloadAsync(cancellationToken);

    // Woken by a notification or by the interval: either way the version decides whether to rebuild, so an idle
    // tick costs one small query.
    protected override Task WokeAsync(NpgsqlConnection connection, bool notified, CancellationToken cancellationToken) =>
        routes.ReloadAsync(cancellationToken);
}
