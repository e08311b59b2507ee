using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ServicePortal.Gateway.Routing;

/// <summary>
/// Rebuilds this node's routes when the catalogue changes: one connection LISTENs on <c>catalog_changed</c>
/// (the catalogue's triggers NOTIFY at the commit of every change to agencies and endpoints, and the gateway's
/// entitlements trigger does the same), so every node rebuilds within a moment of an approval. Between
/// notifications, and after every reconnect, it compares the version itself, so a notification lost while
/// the connection was down is caught within <see cref="GatewayOptions.ReloadCheckInterval"/>.
/// </summary>
public sealed partial class GatewayRouteReloader(
    NpgsqlDataSource dataSource,
    GatewayRoutes routes,
    IOptions<GatewayOptions> options,
    ILogger<GatewayRouteReloader> logger) : BackgroundService
{
    public const string Channel = "catalog_changed";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or IOException)
            {
                LogListenFailed(logger, e, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
        }

        // Listening first, then reading: a change between the two is seen either way.
        await routes.ReloadAsync(stoppingToken).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            // Woken by a notification or by the interval: either way the version decides whether to rebuild,
            // so an idle tick costs one small query.
            await connection.WaitAsync(options.Value.ReloadCheckInterval, stoppingToken).ConfigureAwait(false);
            await routes.ReloadAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway route listener lost its connection; retrying in {Seconds} s")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, double seconds);
}
