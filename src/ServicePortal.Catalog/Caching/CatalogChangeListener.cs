using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Core.Catalog;
using ServicePortal.Core.Database;

namespace ServicePortal.Catalog.Caching;

/// <summary>
/// Keeps this node's <see cref="CatalogCache"/> in step with the database. One connection LISTENs on
/// <c>catalog_changed</c> (the triggers NOTIFY with the new version at every commit that changes the
/// catalogue). Between notifications, and after every reconnect, it reads the version itself, so a
/// notification lost while the connection was down is caught within <see cref="CatalogOptions.VersionCheckInterval"/>.
/// </summary>
internal sealed partial class CatalogChangeListener(
    NpgsqlDataSource dataSource,
    CatalogCache cache,
    IOptions<CatalogOptions> options,
    ILogger<CatalogChangeListener> logger) : ChannelListener(dataSource, logger)
{
    public const string Channel = IAgencyEndpointCatalog.ChangeChannel;

    protected override string ChannelName => Channel;

    protected override TimeSpan CheckInterval => options.Value.VersionCheckInterval;

    protected override void OnNotification(string payload)
    {
        if (long.TryParse(payload, System.Globalization.CultureInfo.InvariantCulture, out var version))
        {
            cache.Observe(version);
        }
    }

    protected override async Task ListeningAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await CheckVersionAsync(connection, cancellationToken);
        LogListening(logger, cache.Version);
    }

    protected override Task WokeAsync(NpgsqlConnection connection, bool notified, CancellationToken cancellationToken) =>
        notified ? Task.CompletedTask : CheckVersionAsync(connection, cancellationToken);

    private async Task CheckVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT version FROM catalog.catalog_state", connection);
        if (await command.ExecuteScalarAsync(cancellationToken) is long version)
        {
            cache.Observe(version);
        }
    }

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

    /// <summary>Searches per client network per window, on each node (see <see cref="Search.SearchLimit"/>).</summary>
    public Search.SearchLimitOptions SearchLimit { get; set; } = new();
}
