using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ServicePortal.DemoAgencies.PortalIdentity;

/// <summary>
/// The portal's signing keys, read from its JWKS and kept for <see cref="CacheLifetime"/>. An assertion signed with a
/// key the cache does not know makes the set be read again, but never more often than once per
/// <see cref="MinimumRefetchInterval"/>: anyone can send an assertion with a made-up <c>kid</c>, and a flood of them
/// must not turn this agency into a tool for hammering the portal.
/// </summary>
/// <remarks>
/// The portal publishes a new key two days before it signs with it, so the periodic refresh normally finds it long
/// before it is needed; the refetch on an unknown <c>kid</c> covers an agency whose cache is older than that
/// (or a key rolled over early).
/// </remarks>
public sealed partial class PortalKeySet(
    IHttpClientFactory httpClients,
    IOptions<PortalIdentityOptions> options,
    TimeProvider clock,
    ILogger<PortalKeySet> logger)
{
    public const string HttpClientName = "portal-jwks";
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MinimumRefetchInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Until a first key set has been read (the agency started before the portal answered), a read is tried at most
    /// once a second rather than once in 30: otherwise every assertion for the next 30 seconds would be refused.
    /// </summary>
    public static readonly TimeSpan FirstReadRetryInterval = TimeSpan.FromSeconds(1);

    // One read at a time: requests that arrive while the set is being read wait for that read instead of starting
    // their own, so a burst of unknown kids costs the portal one request.
    private readonly SemaphoreSlim _reading = new(1, 1);

    // Replaced whole, never changed in place, so readers need no lock.
    private volatile KeySnapshot? _current;
    private DateTimeOffset _lastAttempt = DateTimeOffset.MinValue;

    private sealed record KeySnapshot(IReadOnlyDictionary<string, JsonWebKey> ByKid, DateTimeOffset ReadAt);

    /// <summary>Whether a key set has ever been read (if not, the portal's JWKS could not be reached so far).</summary>
    public bool HasKeys => _current is not null;

    /// <summary>The portal's signing key with this <paramref name="kid"/>, or null when the portal does not publish it.</summary>
    public async Task<JsonWebKey?> FindAsync(string kid, CancellationToken cancellationToken)
    {
        if (Lookup(_current, kid) is { } known)
        {
            return known;
        }

        await _reading.WaitAsync(cancellationToken);
        try
        {
            // Another request may have read the set while this one waited.
            var snapshot = _current;
            if (Lookup(snapshot, kid) is { } found)
            {
                return found;
            }

            var now = clock.GetUtcNow();
            if (now - _lastAttempt < (snapshot is null ? FirstReadRetryInterval : MinimumRefetchInterval))
            {
                // Throttled: answer from what we have (a stale set is still better than none).
                return snapshot?.ByKid.GetValueOrDefault(kid);
            }

            await ReadAsync();
            return _current?.ByKid.GetValueOrDefault(kid);
        }
        finally
        {
            _reading.Release();
        }
    }

    private JsonWebKey? Lookup(KeySnapshot? snapshot, string kid) =>
        snapshot is not null && clock.GetUtcNow() - snapshot.ReadAt < CacheLifetime
            ? snapshot.ByKid.GetValueOrDefault(kid)
            : null;

    private async Task ReadAsync()
    {
        _lastAttempt = clock.GetUtcNow();
        var jwksUri = options.Value.JwksUri;
        try
        {
            // Not the caller's cancellation token: the read serves every waiting request, and one caller hanging up
            // must not leave the others (and the next 30 seconds) without keys. The client has its own timeout.
            using var http = httpClients.CreateClient(HttpClientName);
            var json = await http.GetStringAsync(jwksUri);
            var byKid = new Dictionary<string, JsonWebKey>(StringComparer.Ordinal);
            foreach (var key in new JsonWebKeySet(json).Keys)
            {
                // The portal's JWKS also lists encryption keys (use=enc); only signing keys can vouch for an assertion.
                // A key without a kid could never be chosen by an assertion's header, so it is of no use either.
                if (key.Kty == JsonWebAlgorithmsKeyTypes.RSA && (key.Use is null or "" or JsonWebKeyUseNames.Sig) &&
                    !string.IsNullOrEmpty(key.Kid))
                {
                    byKid.TryAdd(key.Kid, key);
                }
            }

            _current = new KeySnapshot(byKid, clock.GetUtcNow());
            LogKeysRead(logger, byKid.Count, jwksUri);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ArgumentException)
        {
            // Keep the previous set: the portal being briefly unreachable must not stop citizens whose assertions
            // are signed with a key we already know.
            LogKeysUnavailable(logger, e, jwksUri);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Read {Count} portal signing keys from {JwksUri}")]
    private static partial void LogKeysRead(ILogger logger, int count, Uri jwksUri);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the portal's signing keys from {JwksUri}")]
    private static partial void LogKeysUnavailable(ILogger logger, Exception exception, Uri jwksUri);
}
