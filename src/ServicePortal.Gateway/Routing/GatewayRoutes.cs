using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Npgsql;
using ServicePortal.Core.Catalog;
using ServicePortal.Core.Security;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;

namespace ServicePortal.Gateway.Routing;

/// <summary>
/// YARP's configuration, read from the catalogue (through its <see cref="IAgencyEndpointCatalog"/>; the gateway
/// reads no <c>catalog.*</c> table) and the gateway's own NIN entitlements: one route and one cluster per approved endpoint of an
/// approved agency, at <c>/agencies/{agency}/{endpoint}/{**rest}</c>. Each record is checked on its own (by
/// our rules and by YARP's validator) and a bad one is left out and logged, so it never takes the others down.
/// </summary>
internal partial class GatewayRoutes(
    IAgencyEndpointCatalog catalog,
    NpgsqlDataSource dataSource,
    IConfigValidator validator,
    IOptions<GatewayOptions> options,
    AgencyDestinations allowed,
    IHostEnvironment environment,
    ILogger<GatewayRoutes> logger) : IProxyConfigProvider, IConfigChangeListener, Core.Identity.IAgencyEntitlements
{
    private GatewaySnapshot _current = GatewaySnapshot.Empty;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private long _appliedVersion = -1;
    private long _appliedEntitlementsVersion = -1;

    public GatewaySnapshot Current => Volatile.Read(ref _current);

    public bool ReceivesNin(string agencyCode) => Current.NinEntitled.Contains(agencyCode);

    /// <summary>The catalogue version YARP is routing by now (it applies a new snapshot a moment after the swap).</summary>
    public long AppliedVersion => Interlocked.Read(ref _appliedVersion);

    /// <summary>The version of the gateway's entitlements YARP is routing by now.</summary>
    public long AppliedEntitlementsVersion => Interlocked.Read(ref _appliedEntitlementsVersion);

    void IConfigChangeListener.ConfigurationApplied(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
        foreach (var config in proxyConfigs.OfType<GatewaySnapshot>())
        {
            Interlocked.Exchange(ref _appliedVersion, Math.Max(AppliedVersion, config.Version));
            Interlocked.Exchange(ref _appliedEntitlementsVersion, Math.Max(AppliedEntitlementsVersion, config.EntitlementsVersion));
        }
    }

    void IConfigChangeListener.ConfigurationApplyingFailed(IReadOnlyList<IProxyConfig> proxyConfigs, Exception exception) =>
        LogApplyFailed(logger, exception);

    void IConfigChangeListener.ConfigurationLoaded(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
    }

    void IConfigChangeListener.ConfigurationLoadingFailed(IProxyConfigProvider configProvider, Exception exception) =>
        LogApplyFailed(logger, exception);

    /// <summary>YARP asks once at start (and after each change signal). The first answer comes from the database.</summary>
    public IProxyConfig GetConfig()
    {
        if (Current.Version < 0)
        {
            if (allowed.Listed.Count > 0 && !environment.IsDevelopment())
            {
                LogPrivateDestinationsAllowed(logger, AgencyDestinations.Setting, string.Join(", ", allowed.Listed));
            }

            try
            {
                ReloadAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                // The reloader keeps trying; until then nothing is routed, and the door answers 404/503.
                LogReloadFailed(logger, e);
            }
        }

        return Current;
    }

    /// <summary>
    /// Reads the catalogue's endpoints (through the catalogue's <see cref="IAgencyEndpointCatalog"/>) and the
    /// gateway's own entitlements, and swaps in a new snapshot when either version moved (or when forced).
    /// </summary>
    public async Task<bool> ReloadAsync(CancellationToken cancellationToken, bool force = false)
    {
        await _reloading.WaitAsync(cancellationToken);
        try
        {
            if (!force && await catalog.VersionAsync(cancellationToken) == Current.Version &&
                await EntitlementsVersionAsync(cancellationToken) == Current.EntitlementsVersion)
            {
                return false;
            }

            // Each read names the version it saw, so a change after either read moves a version and is caught by
            // its notification (or the next check).
            var (entitlementsVersion, ninEntitled) = await EntitlementsAsync(cancellationToken);
            var endpoints = await catalog.ListEndpointsAsync(cancellationToken);
            var snapshot = await BuildAsync(endpoints, entitlementsVersion, ninEntitled);
            var previous = Interlocked.Exchange(ref _current, snapshot);
            previous.SignalReplaced();
            LogReloaded(logger, snapshot.Version, snapshot.Routes.Count);
            return true;
        }
        finally
        {
            _reloading.Release();
        }
    }

    private async Task<long> EntitlementsVersionAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT version FROM gateway.entitlements_state");
        return await command.ExecuteScalarAsync(cancellationToken) as long? ?? 0;
    }

    /// <summary>The agencies entitled to the NIN and the entitlements' version, read together.</summary>
    private async Task<(long Version, HashSet<string> NinEntitled)> EntitlementsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead,
            cancellationToken);
        long version;
        await using (var command = new NpgsqlCommand("SELECT version FROM gateway.entitlements_state", connection, transaction))
        {
            version = await command.ExecuteScalarAsync(cancellationToken) as long? ?? 0;
        }

        var entitled = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT agency_code FROM gateway.agency_entitlements WHERE nin", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                entitled.Add(reader.GetString(0));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return (version, entitled);
    }

    private async Task<GatewaySnapshot> BuildAsync(CatalogEndpointsAt catalogue, long entitlementsVersion, HashSet<string> ninEntitled)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        var endpoints = new Dictionary<string, GatewayEndpoint>(StringComparer.Ordinal);
        var unrouted = new Dictionary<string, Unrouted>(StringComparer.Ordinal);
        foreach (var agency in catalogue.Agencies)
        {
            var agencyLive = agency.Status == "approved";
            if (agency.Status == "suspended")
            {
                unrouted[agency.Agency] = Unrouted.Unavailable;
            }

            if (!agencyLive)
            {
                continue;
            }

            foreach (var record in agency.Endpoints)
            {
                var id = $"{agency.Agency}/{record.Name}";
                if (record.Status != "approved")
                {
                    if (record.Status == "disabled")
                    {
                        unrouted[id] = Unrouted.Unavailable;
                    }

                    continue;
                }

                var built = Build(agency.Agency, record, ninEntitled.Contains(agency.Agency));
                if (built.Error is not null)
                {
                    LogInvalidEndpoint(logger, id, built.Error);
                    unrouted[id] = Unrouted.Unavailable;
                    continue;
                }

                var errors = (await validator.ValidateRouteAsync(built.Route!))
                    .Concat(await validator.ValidateClusterAsync(built.Cluster!))
                    .ToList();
                if (errors.Count > 0)
                {
                    LogInvalidEndpoint(logger, id, string.Join("; ", errors.Select(e => e.Message)));
                    unrouted[id] = Unrouted.Unavailable;
                    continue;
                }

                routes.Add(built.Route!);
                clusters.Add(built.Cluster!);
                endpoints[id] = built.Endpoint!;
            }
        }

        return new GatewaySnapshot(catalogue.Version, routes, clusters, endpoints, unrouted, ninEntitled, entitlementsVersion);
    }

    private (RouteConfig? Route, ClusterConfig? Cluster, GatewayEndpoint? Endpoint, string? Error) Build(string agency, CatalogEndpoint record, bool ninEntitled)
    {
        if (!options.Value.RateLimits.ContainsKey(record.RateLimitPolicy))
        {
            return (null, null, null, $"rate-limit policy '{record.RateLimitPolicy}' is not configured");
        }

        var destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(record.Destinations);
            var index = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                index++;
                var address = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("address", out var a) ? a.GetString() : null;
                if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) ||
                    !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
                {
                    return (null, null, null, $"destination {index} is not an http(s) address without query or credentials");
                }

                // What can be known without DNS (names are checked on every new connection instead).
                if (allowed.Problem(uri) is { } problem)
                {
                    return (null, null, null, $"destination {index} is {problem}");
                }

                var name = item.TryGetProperty("name", out var n) && n.GetString() is { Length: > 0 } given ? given : $"d{index}";
                destinations[name] = new DestinationConfig { Address = uri.AbsoluteUri };
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            return (null, null, null, "destinations are not a JSON array of {name, address}");
        }

        if (destinations.Count == 0)
        {
            return (null, null, null, "no destination");
        }

        var endpoint = new GatewayEndpoint(agency, record.Name, record.Access, record.RateLimitPolicy, ninEntitled, record.MaxRequestBodyBytes);
        var interval = TimeSpan.FromSeconds(record.HealthCheckIntervalSeconds);
        var cluster = new ClusterConfig
        {
            ClusterId = endpoint.RouteId,
            Destinations = destinations,
            LoadBalancingPolicy = "PowerOfTwoChoices",
            HealthCheck = new HealthCheckConfig
            {
                Active = new ActiveHealthCheckConfig
                {
                    Enabled = true,
                    Interval = interval,
                    Timeout = TimeSpan.FromSeconds(Math.Min(5, record.HealthCheckIntervalSeconds)),
                    Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                    Path = record.HealthCheckPath,
                },
                Passive = new PassiveHealthCheckConfig
                {
                    Enabled = true,
                    Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                    ReactivationPeriod = interval,
                },
                AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyAndUnknown,
            },
            HttpRequest = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(record.TimeoutSeconds) },
            Metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                // Two failed probes in a row take a destination out (YARP's default, said here on purpose).
                ["ConsecutiveFailuresHealthPolicy.Threshold"] = "2",
            },
        };
        var route = new RouteConfig
        {
            RouteId = endpoint.RouteId,
            ClusterId = endpoint.RouteId,
            Match = new RouteMatch { Path = endpoint.Prefix + "/{**rest}" },
            MaxRequestBodySize = record.MaxRequestBodyBytes,
            Transforms = [new Dictionary<string, string>(StringComparer.Ordinal) { ["PathRemovePrefix"] = endpoint.Prefix }],
        };
        return (route, cluster, endpoint, null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway routes at catalogue version {Version}: {Count} routed endpoints")]
    private static partial void LogReloaded(ILogger logger, long version, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agency endpoint {Endpoint} is not routed: {Reason}")]
    private static partial void LogInvalidEndpoint(ILogger logger, string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "YARP refused the gateway's routes; the previous ones stay in use")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Setting} lists private destinations outside Development: agencies may be reached over plain http at {Destinations}")]
    private static partial void LogPrivateDestinationsAllowed(ILogger logger, string setting, string destinations);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway routes could not be read; retrying")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}
