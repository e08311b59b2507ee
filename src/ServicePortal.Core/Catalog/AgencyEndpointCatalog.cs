namespace ServicePortal.Core.Catalog;

/// <summary>
/// One endpoint of an agency as the catalogue holds it, whatever its status: what the gateway builds a route from.
/// </summary>
/// <param name="Destinations">The JSON array of <c>{name, address}</c> as stored (the gateway checks each one).</param>
/// <param name="Access"><c>public</c>, <c>citizen</c> or <c>citizen_substantial</c>.</param>
/// <param name="Status"><c>draft</c>, <c>approved</c> or <c>disabled</c>.</param>
public sealed record CatalogEndpoint(
    string Name,
    string Destinations,
    string HealthCheckPath,
    int HealthCheckIntervalSeconds,
    int TimeoutSeconds,
    long MaxRequestBodyBytes,
    string Access,
    string RateLimitPolicy,
    string Status);

/// <summary>An agency (any status) and its endpoints (none, some of them approved, ...).</summary>
/// <param name="Status"><c>pending</c>, <c>approved</c> or <c>suspended</c>.</param>
public sealed record CatalogAgencyEndpoints(string Agency, string Status, IReadOnlyList<CatalogEndpoint> Endpoints);

/// <summary>Every agency with its endpoints, read at one catalogue version.</summary>
public sealed record CatalogEndpointsAt(long Version, IReadOnlyList<CatalogAgencyEndpoints> Agencies);

/// <summary>
/// The catalogue's agencies and endpoints for another module that routes to them (the gateway), read only through
/// the catalogue's code: no other module reads <c>catalog.*</c> tables or hangs triggers on them. Implemented by
/// the Catalog module. A change is announced on <see cref="ChangeChannel"/> at commit (payload: the new
/// version); a listener that may have missed one compares <see cref="VersionAsync"/> with what it built from.
/// </summary>
public interface IAgencyEndpointCatalog
{
    /// <summary>The NOTIFY channel the catalogue announces each change on (the catalogue's own trigger).</summary>
    public const string ChangeChannel = "catalog_changed";

    /// <summary>The catalogue's version now: it moves on every committed change to the catalogue.</summary>
    Task<long> VersionAsync(CancellationToken cancellationToken);

    /// <summary>Every agency and its endpoints, ordered by agency code and endpoint name, with the version they are at.</summary>
    Task<CatalogEndpointsAt> ListEndpointsAsync(CancellationToken cancellationToken);
}
