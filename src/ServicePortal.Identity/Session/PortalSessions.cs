using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ServicePortal.Identity.Session;

/// <summary>
/// The portal's browser sessions, as rows of <c>identity.sessions</c>: the cookie only names one, so ending the
/// row (sign-out, "sign out everywhere", the idle timeout, the absolute lifetime, a new password, a change of
/// roles) ends every copy of the cookie. Every request checks its session, so each node keeps the live ones in
/// memory for at most <see cref="IdentityOptions.SessionCacheLifetime"/>: <see cref="SessionListener"/> evicts a
/// session the moment any node ends it (PostgreSQL NOTIFY), and the time of the last request is written back at
/// most once a minute per session. A request of a session this node knows costs no database round trip.
/// </summary>
public sealed class PortalSessions(NpgsqlDataSource dataSource, IOptions<IdentityOptions> options, TimeProvider clock) : IDisposable
{
    /// <summary>How stale <c>last_seen_at</c> may get before a request writes it again.</summary>
    public static readonly TimeSpan LastSeenWriteInterval = TimeSpan.FromMinutes(1);

    /// <summary>Ended and expired rows are kept this long after their absolute end (for the account's own record), then removed.</summary>
    private static readonly TimeSpan KeptAfterExpiry = TimeSpan.FromDays(30);

    /// <summary>Bounded, so a flood of sessions cannot grow it without end; past it, checks read the database.</summary>
    private const int MaxSessions = 100_000;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxSessions });

    // Bumped by every eviction: a read that started before one must not store what it read (see SessionAccounts).
    private long _generation;

    private IdentityOptions Options => options.Value;

    /// <summary>Sign-ins are kept this long for the account page's "recent sign-ins", then removed.</summary>
    public static readonly TimeSpan SignInsKept = TimeSpan.FromDays(90);

    /// <summary>How many recent sign-ins the account page shows.</summary>
    public const int RecentSignInsShown = 10;

    /// <summary>
    /// Starts a session of the account in this browser; staff sessions have the shorter absolute lifetime. A sign-in
    /// (<paramref name="signIn"/>; not the new session a change of password gives the browser that made it) is
    /// recorded in <c>identity.sign_ins</c> by the same statement, so the two are one.
    /// </summary>
    public async Task<StartedSession> StartAsync(Guid accountId, bool staff, string userAgent, string clientNetwork,
        CancellationToken cancellationToken, bool signIn = true)
    {
        var now = clock.GetUtcNow();
        var id = Guid.NewGuid();
        var expires = now + (staff ? Options.StaffSessionAbsoluteLifetime : Options.SessionAbsoluteLifetime);
        await using var command = dataSource.CreateCommand(
            """
            WITH tidy AS (
                DELETE FROM identity.sessions
                WHERE ctid = ANY (ARRAY(SELECT ctid FROM identity.sessions WHERE expires_at < $2 - $8 LIMIT 20))
            ), tidy_sign_ins AS (
                DELETE FROM identity.sign_ins
                WHERE ctid = ANY (ARRAY(SELECT ctid FROM identity.sign_ins WHERE signed_in_at < $2 - $9 LIMIT 20))
            ), sign_in AS (
                INSERT INTO identity.sign_ins (account_id, signed_in_at, user_agent, client_network)
                SELECT $3, $2, $6, $7 WHERE $10
            )
            INSERT INTO identity.sessions (id, account_id, created_at, last_seen_at, idle_timeout, expires_at, user_agent, client_network)
            VALUES ($1, $3, $2, $2, $4, $5, $6, $7)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = Options.SessionIdleTimeout });
        command.Parameters.Add(new NpgsqlParameter { Value = expires });
        command.Parameters.Add(new NpgsqlParameter { Value = Truncate(userAgent, 512) });
        command.Parameters.Add(new NpgsqlParameter { Value = Truncate(clientNetwork, 64) });
        command.Parameters.Add(new NpgsqlParameter { Value = KeptAfterExpiry });
        command.Parameters.Add(new NpgsqlParameter { Value = SignInsKept });
        command.Parameters.Add(new NpgsqlParameter { Value = signIn });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new StartedSession(id, expires);
    }

    /// <summary>
    /// The session, when it is live, counting this request as use of it; null when it has ended (then it is
    /// also ended in the database if it has just run out, idle or absolute).
    /// </summary>
    public async ValueTask<LiveSession?> UseAsync(Guid id, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var live = await GetAsync(id, cancellationToken);
        if (live is null)
        {
            return null;
        }

        if (now >= live.ExpiresAt)
        {
            await EndAsync(id, SessionEnd.Expired, cancellationToken);
            return null;
        }

        if (now - live.LastSeen >= live.IdleTimeout)
        {
            // Idle as far as this node knows; another node may have served it since. Ask the database.
            Evict(id);
            live = await GetAsync(id, cancellationToken);
            if (live is null)
            {
                return null;
            }

            if (now - live.LastSeen >= live.IdleTimeout)
            {
                await EndAsync(id, SessionEnd.Idle, cancellationToken);
                return null;
            }
        }

        live.Seen(now);
        if (live.ClaimLastSeenWrite(now, LastSeenWriteInterval))
        {
            await using var command = dataSource.CreateCommand(
                "UPDATE identity.sessions SET last_seen_at = $2 WHERE id = $1 AND ended_at IS NULL AND last_seen_at < $2");
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            command.Parameters.Add(new NpgsqlParameter { Value = now });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return live;
    }

    /// <summary>Ends one session, whoever's it is (the cookie that names it is the proof).</summary>
    public async Task EndAsync(Guid id, string reason, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE identity.sessions SET ended_at = $2, end_reason = $3 WHERE id = $1 AND ended_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = reason });
        await command.ExecuteNonQueryAsync(cancellationToken);
        Evict(id); // every node hears of it by NOTIFY; this one need not wait for that
    }

    /// <summary>Ends one session of this account (an id of another account's session ends nothing).</summary>
    public async Task<bool> EndOfAccountAsync(Guid accountId, Guid id, string reason, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE identity.sessions SET ended_at = $3, end_reason = $4 WHERE id = $1 AND account_id = $2 AND ended_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = reason });
        var ended = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        Evict(id);
        return ended;
    }

    /// <summary>Ends every session of the account, but <paramref name="except"/> (the one asking, when it stays).</summary>
    public async Task EndAllAsync(Guid accountId, Guid? except, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var ended = await EndAllAsync(connection, null, accountId, except, reason, clock.GetUtcNow(), cancellationToken);
        EvictAll(ended);
    }

    /// <summary>
    /// Ends every session of the account but <paramref name="except"/>, in the caller's transaction; returns the
    /// ids ended, for <see cref="EvictAll"/> after the commit.
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> EndAllAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        Guid accountId, Guid? except, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE identity.sessions SET ended_at = $3, end_reason = $4
            WHERE account_id = $1 AND ended_at IS NULL AND ($2::uuid IS NULL OR id <> $2)
            RETURNING id
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)except ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = reason });
        var ended = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ended.Add(reader.GetGuid(0));
        }

        return ended;
    }

    /// <summary>
    /// Whether the person ended this session (sign-out, from another device, everywhere) or a security change did:
    /// then the refresh tokens issued from it end too. A session that merely ran out (idle, absolute lifetime) or was
    /// replaced by a new sign-in does not end them: an app keeps its access as long as the person allowed it. Read
    /// from the database, never a node's cache, so an end on any node counts at once. A row removed by the tidying
    /// (30 days after its absolute end) counts as not ended: a refresh token is used or expires long before.
    /// </summary>
    public async Task<bool> EndedByPersonAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT end_reason = ANY($2) FROM identity.sessions WHERE id = $1 AND ended_at IS NOT NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = new[]
            {
                SessionEnd.SignedOut, SessionEnd.SignedOutFromAnother, SessionEnd.SignedOutEverywhere,
                SessionEnd.SecurityStamp, SessionEnd.SecurityChange,
            },
        });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>The account's live sessions, most recently used first (the account page).</summary>
    public async Task<IReadOnlyList<SessionSummary>> ListAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT id, created_at, last_seen_at, user_agent, client_network
            FROM identity.sessions
            WHERE account_id = $1 AND ended_at IS NULL AND expires_at > $2 AND last_seen_at + idle_timeout > $2
            ORDER BY last_seen_at DESC, created_at DESC
            LIMIT 50
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        var list = new List<SessionSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new SessionSummary(reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3), reader.GetString(4)));
        }

        return list;
    }

    /// <summary>The account's last <see cref="RecentSignInsShown"/> sign-ins (of the last 90 days), newest first.</summary>
    public async Task<IReadOnlyList<SignInSummary>> RecentSignInsAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT signed_in_at, user_agent, client_network
            FROM identity.sign_ins
            WHERE account_id = $1 AND signed_in_at > $2
            ORDER BY signed_in_at DESC, id DESC
            LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = accountId });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() - SignInsKept });
        command.Parameters.Add(new NpgsqlParameter { Value = RecentSignInsShown });
        var list = new List<SignInSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new SignInSummary(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2)));
        }

        return list;
    }

    /// <summary>This session ended (or may have): the next request reads it again.</summary>
    public void Evict(Guid id)
    {
        Interlocked.Increment(ref _generation);
        _cache.Remove(id);
    }

    public void EvictAll(IEnumerable<Guid> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        foreach (var id in ids)
        {
            Evict(id);
        }
    }

    /// <summary>Notifications may have been missed: every session is read again.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _cache.Clear();
    }

    public void Dispose() => _cache.Dispose();

    private async ValueTask<LiveSession?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(id, out LiveSession? cached))
        {
            return cached;
        }

        var generation = Interlocked.Read(ref _generation);
        LiveSession? live = null;
        await using (var command = dataSource.CreateCommand(
                         "SELECT account_id, last_seen_at, idle_timeout, expires_at FROM identity.sessions WHERE id = $1 AND ended_at IS NULL"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                live = new LiveSession(id, reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<TimeSpan>(2),
                    reader.GetFieldValue<DateTimeOffset>(3));
            }
        }

        var lifetime = Options.SessionCacheLifetime;
        if (live is null || lifetime <= TimeSpan.Zero || Interlocked.Read(ref _generation) != generation)
        {
            return live; // an ended session is not kept: its cookie is removed and not presented again
        }

        _cache.Set(id, live, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = lifetime });
        if (Interlocked.Read(ref _generation) != generation)
        {
            _cache.Remove(id); // an eviction came between the check and the store
        }

        return live;
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}

/// <summary>A live session as one node knows it: when it was last used here or (as last written) anywhere.</summary>
public sealed class LiveSession(Guid id, Guid accountId, DateTimeOffset lastSeen, TimeSpan idleTimeout, DateTimeOffset expiresAt)
{
    private long _lastSeenTicks = lastSeen.UtcTicks;
    private long _storedLastSeenTicks = lastSeen.UtcTicks;

    public Guid Id { get; } = id;
    public Guid AccountId { get; } = accountId;
    public TimeSpan IdleTimeout { get; } = idleTimeout;
    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    public DateTimeOffset LastSeen => new(Interlocked.Read(ref _lastSeenTicks), TimeSpan.Zero);

    /// <summary>Counts a request at <paramref name="now"/> (never moving the time back).</summary>
    public void Seen(DateTimeOffset now)
    {
        var ticks = now.UtcTicks;
        var current = Interlocked.Read(ref _lastSeenTicks);
        while (ticks > current)
        {
            var found = Interlocked.CompareExchange(ref _lastSeenTicks, ticks, current);
            if (found == current)
            {
                return;
            }

            current = found;
        }
    }

    /// <summary>True for the one request that should write the time back (it is older than the interval).</summary>
    public bool ClaimLastSeenWrite(DateTimeOffset now, TimeSpan interval)
    {
        var stored = Interlocked.Read(ref _storedLastSeenTicks);
        return now.UtcTicks - stored >= interval.Ticks &&
               Interlocked.CompareExchange(ref _storedLastSeenTicks, now.UtcTicks, stored) == stored;
    }
}

public sealed record StartedSession(Guid Id, DateTimeOffset ExpiresAt);

public sealed record SessionSummary(Guid Id, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, string UserAgent, string ClientNetwork);

/// <summary>Why a session ended (<c>identity.sessions.end_reason</c>).</summary>
public static class SessionEnd
{
    public const string SignedOut = "signed_out";
    public const string SignedOutFromAnother = "signed_out_from_another";
    public const string SignedOutEverywhere = "signed_out_everywhere";
    public const string Replaced = "replaced";
    public const string Idle = "idle";
    public const string Expired = "expired";
    public const string SecurityStamp = "security_stamp";
    public const string SecurityChange = "security_change";
}

/// <summary>One sign-in of an account (the account page's "recent sign-ins"): when, the browser, the masked network.</summary>
public sealed record SignInSummary(DateTimeOffset At, string UserAgent, string ClientNetwork);
