using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ServicePortal.Catalog.Caching;

/// <summary>
/// Keeps this node's <see cref="CatalogCache"/> in step with the database. One connection LISTENs on
/// <c>catalog_changed</c> (the triggers NOTIFY with the new version at every commit that changes the
/// catalogue). Between notifications, and after every reconnect, it reads the version itself, so a
/// notification lost while the connection was down is caught within <see cref="CatalogOptions.VersionCheckInterval"/>.
/// </summary>
public sealed partial class CatalogChangeListener(
    NpgsqlDataSource dataSource,
    CatalogCache cache,
    IOptions<CatalogOptions> options,
    ILogger<CatalogChangeListener> logger) : BackgroundService
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
                continue;
            }

            delay = TimeSpan.FromSeconds(1);
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
        connection.Notification += (_, e) =>
        {
            if (long.TryParse(e.Payload, System.Globalization.CultureInfo.InvariantCulture, out var version))
            {
                cache.Observe(version);
            }
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
        }

        // Listening first, then reading the version: a change between the two is seen either way.
        await CheckVersionAsync(connection, stoppingToken).ConfigureAwait(false);
        LogListening(logger, cache.Version);

        while (!stoppingToken.IsCancellationRequested)
        {
            var notified = await connection.WaitAsync(options.Value.VersionCheckInterval, stoppingToken).ConfigureAwait(false);
            if (!notified)
            {
                await CheckVersionAsync(connection, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task CheckVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT version FROM catalog.catalog_state", connection);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long version)
        {
            cache.Observe(version);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Catalogue change listener lost its connection; retrying in {Seconds} s")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listening for catalogue changes at version {Version}")]
    private static partial void LogListening(ILogger logger, long version);
}

/// <summary>Catalog settings (section <c>Catalog</c>), validated at start-up.</summary>
public sealed class CatalogOptions
{
    /// <summary>Seed the demo catalogue at start-up. On in Development; tests turn it on; never in production.</summary>
    public bool SeedDemoData { get; set; }

    /// <summary>Cache reads on this node (invalidated through NOTIFY). Off only to measure the database.</summary>
    public bool CacheReads { get; set; } = true;

    /// <summary>How often the listener reads the version itself, to catch a notification it missed.</summary>
    public TimeSpan VersionCheckInterval { get; set; } = TimeSpan.FromSeconds(15);
}
