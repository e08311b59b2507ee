using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace ServicePortal.Gateway.Routing;

/// <summary>What the gateway knows about one agency endpoint, beside the YARP route and cluster built from it.</summary>
/// <param name="Access"><c>public</c>, <c>citizen</c> or <c>citizen_substantial</c>.</param>
internal sealed record GatewayEndpoint(
    string Agency,
    string Name,
    string Access,
    string RateLimitPolicy,
    bool NinEntitled,
    long MaxRequestBodyBytes)
{
    public const string Public = "public";
    public const string Citizen = "citizen";
    public const string CitizenSubstantial = "citizen_substantial";

    public string RouteId => $"{Agency}/{Name}";

    /// <summary>The path the portal serves it under; the agency sees what follows.</summary>
    public string Prefix => $"/agencies/{Agency}/{Name}";
}

/// <summary>Why a path under <c>/agencies/</c> has no route: what the door answers instead.</summary>
internal enum Unrouted
{
    /// <summary>No such agency or endpoint: 404.</summary>
    Unknown,

    /// <summary>The agency is suspended or the endpoint disabled: 503.</summary>
    Unavailable,
}

/// <summary>
/// One immutable picture of the routes, swapped whole when the database changes (the way YARP's own
/// in-memory provider does): YARP reads <see cref="Routes"/> and <see cref="Clusters"/>, the door reads
/// <see cref="Endpoints"/>, and the old snapshot's <see cref="ChangeToken"/> fires when a new one replaces it.
/// </summary>
internal sealed class GatewaySnapshot : IProxyConfig
{
    private readonly CancellationTokenSource _replaced = new();

    public GatewaySnapshot(long version, IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters,
        IReadOnlyDictionary<string, GatewayEndpoint> endpoints, IReadOnlyDictionary<string, Unrouted> unrouted,
        IReadOnlySet<string> ninEntitled, long entitlementsVersion = -1)
    {
        NinEntitled = ninEntitled;
        Version = version;
        EntitlementsVersion = entitlementsVersion;
        Routes = routes;
        Clusters = clusters;
        Endpoints = endpoints;
        UnroutedPaths = unrouted;
        ChangeToken = new CancellationChangeToken(_replaced.Token);
    }

    public static GatewaySnapshot Empty { get; } = new(-1, [], [], new Dictionary<string, GatewayEndpoint>(),
        new Dictionary<string, Unrouted>(), new HashSet<string>());

    /// <summary>The catalogue version it was built from.</summary>
    public long Version { get; }

    /// <summary>The version of the gateway's NIN entitlements it was built from.</summary>
    public long EntitlementsVersion { get; }

    public IReadOnlyList<RouteConfig> Routes { get; }

    public IReadOnlyList<ClusterConfig> Clusters { get; }

    /// <summary>Routed endpoints by route id (<c>agency/name</c>).</summary>
    public IReadOnlyDictionary<string, GatewayEndpoint> Endpoints { get; }

    /// <summary>Known agencies (key: code) and endpoints (key: <c>agency/name</c>) that are not routed now.</summary>
    public IReadOnlyDictionary<string, Unrouted> UnroutedPaths { get; }

    public IChangeToken ChangeToken { get; }

    /// <summary>Agencies the administrator entitled to the NIN.</summary>
    public IReadOnlySet<string> NinEntitled { get; }

    /// <summary>What to answer for <c>/agencies/{agency}/{name}/...</c> when no route took it.</summary>
    public Unrouted Explain(string agency, string? name)
    {
        if (UnroutedPaths.TryGetValue(agency, out var state) && state == Unrouted.Unavailable)
        {
            return Unrouted.Unavailable;
        }

        return name is not null && UnroutedPaths.TryGetValue($"{agency}/{name}", out var endpoint) ? endpoint : Unrouted.Unknown;
    }

    // Cancelled, never disposed: YARP may still register on the token of a snapshot it is letting go of.
    internal void SignalReplaced() => _replaced.Cancel();
}
