using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using ServicePortal.Identity.Accounts;

namespace ServicePortal.Identity.Session;

/// <summary>
/// The accounts of this node's signed-in sessions, so that checking a session's security stamp does not read
/// the database on every request. An entry lives at most <see cref="IdentityOptions.SessionCacheLifetime"/>
/// (30 s): <see cref="SessionAccountListener"/> evicts an account as soon as any node commits a change to it
/// (PostgreSQL NOTIFY) and clears everything whenever it (re)connects, so the lifetime only bounds how long a
/// missed notification could keep a stale copy.
/// </summary>
public sealed class SessionAccounts(AccountStore accounts, IOptions<IdentityOptions> options) : IDisposable
{
    /// <summary>Bounded, so a flood of sessions cannot grow it without end; past it, reads go to the database.</summary>
    private const int MaxAccounts = 100_000;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxAccounts });

    // Bumped by every eviction: a read that started before one must not store what it read, which may be the
    // account as it was before the change that caused the eviction.
    private long _generation;

    public async ValueTask<Account?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(id, out Account? cached))
        {
            return cached;
        }

        var lifetime = options.Value.SessionCacheLifetime;
        var generation = Interlocked.Read(ref _generation);
        var account = await accounts.FindByIdAsync(id, cancellationToken);
        if (account is null || lifetime <= TimeSpan.Zero || Interlocked.Read(ref _generation) != generation)
        {
            return account; // a missing account is not kept: its session ends and the cookie goes with it
        }

        _cache.Set(id, account, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = lifetime });
        if (Interlocked.Read(ref _generation) != generation)
        {
            _cache.Remove(id); // an eviction came between the check and the store
        }

        return account;
    }

    /// <summary>This account changed (or is gone): the next request reads it again.</summary>
    public void Evict(Guid id)
    {
        Interlocked.Increment(ref _generation);
        _cache.Remove(id);
    }

    /// <summary>Anything may have changed (notifications may have been missed): every account is read again.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _cache.Clear();
    }

    public void Dispose() => _cache.Dispose();
}
