using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Npgsql;
using ServicePortal.Core.Security;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;

namespace ServicePortal.Gateway.Routing;

/// <summary>
/// YARP's configuration, read from the catalogue: one route and one cluster per approved endpoint of an
/// approved agency, at <c>/agencies/{agency}/{endpoint}/{**rest}</c>. Each record is checked on its own (by
/// our rules and by YARP's validator) and a bad one is left out and logged, so it never takes the others down.
/// </summary>
public sealed partial class GatewayRoutes(
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

    public GatewaySnapshot Current => Volatile.Read(ref _current);

    public bool ReceivesNin(string agencyCode) => Current.NinEntitled.Contains(agencyCode);

    /// <summary>The catalogue version YARP is routing by now (it applies a new snapshot a moment after the swap).</summary>
    public long AppliedVersion => Interlocked.Read(ref _appliedVersion);

    void IConfigChangeListener.ConfigurationApplied(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
        foreach (var config in proxyConfigs.OfType<GatewaySnapshot>())
        {
            Interlocked.Exchange(ref _appliedVersion, Math.Max(AppliedVersion, config.Version));
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

    /// <summary>Reads the catalogue and swaps in a new snapshot when its version moved (or when forced).</summary>
    public async Task<bool> ReloadAsync(CancellationToken cancellationToken, bool force = false)
    {
        await _reloading.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead,
                cancellationToken);
            var version = await VersionAsync(connection, transaction, cancellationToken);
            if (!force && version == Current.Version)
            {
                return false;
            }

            var records = await ReadAsync(connection, transaction, cancellationToken);
            var snapshot = await BuildAsync(version, records);
            var previous = Interlocked.Exchange(ref _current, snapshot);
            previous.SignalReplaced();
            LogReloaded(logger, version, snapshot.Routes.Count);
            return true;
        }
        finally
        {
            _reloading.Release();
        }
    }

    private static async Task<long> VersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT version FROM catalog.catalog_state", connection, transaction);
        return await command.ExecuteScalarAsync(cancellationToken) as long? ?? 0;
    }

    private sealed record EndpointRecord(
        string Agency, string AgencyStatus, string? Name, string? Destinations, string? HealthPath, int HealthInterval,
        int TimeoutSeconds, long MaxBody, string? Access, string? RatePolicy, string? Status, bool NinEntitled);

    private static async Task<List<EndpointRecord>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        // Every agency, with its endpoints when it has any (an agency without one is still known: 404 vs 503).
        await using var command = new NpgsqlCommand(
            """
            SELECT a.code, a.status, e.name, e.destinations::text, e.health_check_path, e.health_check_interval_seconds,
                   e.timeout_seconds, e.max_request_body_bytes, e.auth_requirement, e.rate_limit_policy, e.status,
                   coalesce(g.nin, false)
            FROM catalog.agencies a
            LEFT JOIN catalog.agency_endpoints e ON e.agency_id = a.id
            LEFT JOIN gateway.agency_entitlements g ON g.agency_code = a.code
            ORDER BY a.code, e.name
            """, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<EndpointRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var hasEndpoint = !reader.IsDBNull(2);
            records.Add(new EndpointRecord(
                reader.GetString(0), reader.GetString(1),
                hasEndpoint ? reader.GetString(2) : null,
                hasEndpoint ? reader.GetString(3) : null,
                hasEndpoint ? reader.GetString(4) : null,
                hasEndpoint ? reader.GetInt32(5) : 0,
                hasEndpoint ? reader.GetInt32(6) : 0,
                hasEndpoint ? reader.GetInt64(7) : 0,
                hasEndpoint ? reader.GetString(8) : null,
                hasEndpoint ? reader.GetString(9) : null,
                hasEndpoint ? reader.GetString(10) : null,
                reader.GetBoolean(11)));
        }

        return records;
    }

    private async Task<GatewaySnapshot> BuildAsync(long version, List<EndpointRecord> records)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        var endpoints = new Dictionary<string, GatewayEndpoint>(StringComparer.Ordinal);
        var unrouted = new Dictionary<string, Unrouted>(StringComparer.Ordinal);
        var ninEntitled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (record.NinEntitled)
            {
                ninEntitled.Add(record.Agency);
            }

            var agencyLive = record.AgencyStatus == "approved";
            if (record.AgencyStatus == "suspended")
            {
                unrouted[record.Agency] = Unrouted.Unavailable;
            }

            if (record.Name is null || !agencyLive)
            {
                continue;
            }

            var id = $"{record.Agency}/{record.Name}";
            if (record.Status != "approved")
            {
                if (record.Status == "disabled")
                {
                    unrouted[id] = Unrouted.Unavailable;
                }

                continue;
            }

            var built = Build(record);
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

        return new GatewaySnapshot(version, routes, clusters, endpoints, unrouted, ninEntitled);
    }

    private (RouteConfig? Route, ClusterConfig? Cluster, GatewayEndpoint? Endpoint, string? Error) Build(EndpointRecord record)
    {
        if (!options.Value.RateLimits.ContainsKey(record.RatePolicy!))
        {
            return (null, null, null, $"rate-limit policy '{record.RatePolicy}' is not configured");
        }

        var destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(record.Destinations!);
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

        var endpoint = new GatewayEndpoint(record.Agency, record.Name!, record.Access!, record.RatePolicy!, record.NinEntitled, record.MaxBody);
        var interval = TimeSpan.FromSeconds(record.HealthInterval);
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
                    Timeout = TimeSpan.FromSeconds(Math.Min(5, record.HealthInterval)),
                    Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                    Path = record.HealthPath,
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
            MaxRequestBodySize = record.MaxBody,
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
