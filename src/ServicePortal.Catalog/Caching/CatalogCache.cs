using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;

namespace ServicePortal.Catalog.Caching;

/// <summary>
/// Cached reads of the published catalogue, on this node. Every entry belongs to one catalogue version; when
/// the version moves (a NOTIFY on <c>catalog_changed</c>, or the periodic check in
/// <see cref="CatalogChangeListener"/>) the whole set is swapped for an empty one, as YARP swaps its config
/// snapshots. A read that started before the swap stores into the old set and is simply dropped with it.
/// </summary>
public sealed class CatalogCache : IDisposable
{
    private readonly Lock _swap = new();
    private readonly bool _enabled;
    private Generation _current;

    public CatalogCache(bool enabled = true)
    {
        _enabled = enabled;
        _current = new Generation(0);
    }

    /// <summary>The catalogue version the cached entries belong to (0 until the first check).</summary>
    public long Version => Volatile.Read(ref _current).Version;

    /// <summary>Raised after the entries were dropped because the catalogue changed.</summary>
    public event Action<long>? Invalidated;

    /// <summary>Tells the cache the database's current version; a newer one drops every entry.</summary>
    public bool Observe(long version)
    {
        Generation old;
        lock (_swap)
        {
            old = _current;
            if (version <= old.Version)
            {
                return false;
            }

            Volatile.Write(ref _current, new Generation(version));
        }

        old.Dispose();
        Invalidated?.Invoke(version);
        return true;
    }

    public async Task<T> GetOrLoadAsync<T>(string key, Func<CancellationToken, Task<T>> load, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(load);
        var generation = Volatile.Read(ref _current);
        if (_enabled && generation.TryGet(key, out T? hit))
        {
            return hit!;
        }

        var value = await load(cancellationToken);
        if (_enabled)
        {
            generation.Set(key, value);
        }

        return value;
    }

    /// <summary>A JSON body, serialised once, with its strong ETag.</summary>
    public Task<CachedJson> GetOrLoadJsonAsync<T>(string key, Func<CancellationToken, Task<T>> load, CancellationToken cancellationToken) =>
        GetOrLoadAsync(key, async ct => CachedJson.From(await load(ct)), cancellationToken);

    public void Dispose() => _current.Dispose();

    private sealed class Generation(long version) : IDisposable
    {
        // Bounded: every entry counts 1; a catalogue has a few thousand distinct popular reads at most.
        private readonly MemoryCache _entries = new(new MemoryCacheOptions { SizeLimit = 20_000 });
        private volatile bool _disposed;

        public long Version { get; } = version;

        public bool TryGet<T>(string key, out T? value) where T : class
        {
            if (!_disposed && _entries.TryGetValue(key, out var found) && found is T typed)
            {
                value = typed;
                return true;
            }

            value = null;
            return false;
        }

        public void Set<T>(string key, T value)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                _entries.Set(key, value, new MemoryCacheEntryOptions
                {
                    Size = 1,
                    // Lookups that nobody repeats leave; the version swap does the real invalidation.
                    SlidingExpiration = TimeSpan.FromMinutes(10),
                });
            }
            catch (ObjectDisposedException)
            {
                // Swapped out while we loaded: the value belonged to an old version anyway.
            }
        }

        public void Dispose()
        {
            _disposed = true;
            _entries.Dispose();
        }
    }
}

/// <summary>A serialised JSON body and its strong ETag (a hash of the bytes).</summary>
public sealed record CachedJson(byte[] Body, string ETag)
{
    public static CachedJson From<T>(T value)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(value, Browse.CatalogJson.Options);
        return new CachedJson(body, StrongETag(body));
    }

    public static string StrongETag(byte[] body)
    {
        var hash = SHA256.HashData(body);
        return "\"" + Convert.ToBase64String(hash, 0, 18).Replace('+', '-').Replace('/', '_') + "\"";
    }
}
