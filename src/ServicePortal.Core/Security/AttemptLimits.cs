using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ServicePortal.Core.Security;

/// <summary>
/// Counts attempts per subject in fixed windows, in PostgreSQL, so a limit holds across every node: wrong
/// passwords per address, identity checks per NIN a day, codes per phone an hour. One statement per count, so
/// two attempts at the same moment on two nodes both count. The subject is stored hashed.
/// </summary>
/// <remarks>
/// Fixed windows (aligned on the Unix epoch) keep it one row per subject and window, and make "try again after"
/// exact: the end of the window. A burst at the edge of two windows can reach twice the limit; every limit here
/// is a bound on guessing, where that is harmless.
/// </remarks>
public sealed class AttemptLimits(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>Counts one attempt now and says where the subject stands in this window.</summary>
    public async Task<AttemptTally> CountAsync(AttemptLimit limit, string subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limit);
        var (start, end) = WindowAt(limit.Window, clock.GetUtcNow());
        await using var command = dataSource.CreateCommand(
            """
            WITH tidy AS (
                DELETE FROM portal.attempt_counts
                WHERE ctid = ANY (ARRAY(SELECT ctid FROM portal.attempt_counts WHERE window_end < $4 - interval '1 day' LIMIT 20))
            )
            INSERT INTO portal.attempt_counts AS a (scope, subject_hash, window_start, window_end, count)
            VALUES ($1, $2, $3, $4, 1)
            ON CONFLICT (scope, subject_hash, window_start) DO UPDATE SET count = a.count + 1
            RETURNING a.count
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = limit.Scope });
        command.Parameters.Add(new NpgsqlParameter { Value = Hash(subject) });
        command.Parameters.Add(new NpgsqlParameter { Value = start });
        command.Parameters.Add(new NpgsqlParameter { Value = end });
        var count = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        return new AttemptTally(count, limit.Permitted, end);
    }

    /// <summary>Where the subject stands in this window, without counting.</summary>
    public async Task<AttemptTally> PeekAsync(AttemptLimit limit, string subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limit);
        var (start, end) = WindowAt(limit.Window, clock.GetUtcNow());
        await using var command = dataSource.CreateCommand(
            "SELECT count FROM portal.attempt_counts WHERE scope = $1 AND subject_hash = $2 AND window_start = $3");
        command.Parameters.Add(new NpgsqlParameter { Value = limit.Scope });
        command.Parameters.Add(new NpgsqlParameter { Value = Hash(subject) });
        command.Parameters.Add(new NpgsqlParameter { Value = start });
        var count = await command.ExecuteScalarAsync(cancellationToken) as int? ?? 0;
        return new AttemptTally(count, limit.Permitted, end);
    }

    /// <summary>Forgets the subject's attempts in the current window (after a full success, where a limit says so).</summary>
    public async Task ResetAsync(AttemptLimit limit, string subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limit);
        var (start, _) = WindowAt(limit.Window, clock.GetUtcNow());
        await using var command = dataSource.CreateCommand(
            "DELETE FROM portal.attempt_counts WHERE scope = $1 AND subject_hash = $2 AND window_start = $3");
        command.Parameters.Add(new NpgsqlParameter { Value = limit.Scope });
        command.Parameters.Add(new NpgsqlParameter { Value = Hash(subject) });
        command.Parameters.Add(new NpgsqlParameter { Value = start });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The fixed window, aligned on the Unix epoch, that holds <paramref name="now"/>.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) WindowAt(TimeSpan window, DateTimeOffset now)
    {
        var ticks = (now - DateTimeOffset.UnixEpoch).Ticks;
        var start = DateTimeOffset.UnixEpoch.AddTicks(ticks - (ticks % window.Ticks));
        return (start, start + window);
    }

    private static byte[] Hash(string subject) => SHA256.HashData(Encoding.UTF8.GetBytes(subject));
}

/// <summary>A named limit: at most <see cref="Permitted"/> attempts per <see cref="Window"/>.</summary>
public sealed record AttemptLimit(string Scope, int Permitted, TimeSpan Window)
{
    public AttemptLimit Validate()
    {
        if (Permitted < 1 || Window <= TimeSpan.Zero || string.IsNullOrWhiteSpace(Scope) || Scope.Length > 100)
        {
            throw new ArgumentException($"The attempt limit '{Scope}' is not valid.");
        }

        return this;
    }
}

/// <summary>How many attempts the subject has made in the window (this one included, when counted).</summary>
public readonly record struct AttemptTally(int Count, int Permitted, DateTimeOffset WindowEnd)
{
    /// <summary>This attempt is past the limit: refuse it.</summary>
    public bool Exceeded => Count > Permitted;

    /// <summary>The limit is reached: the next attempt will be refused.</summary>
    public bool Reached => Count >= Permitted;

    public int Left => Math.Max(0, Permitted - Count);

    public TimeSpan RetryAfter(DateTimeOffset now) => WindowEnd > now ? WindowEnd - now : TimeSpan.Zero;
}

/// <summary>
/// The network a client address stands for, as a limit's subject: an IPv4 address itself, an IPv6 address by
/// its /64 prefix (one subscriber usually holds a whole /64, so counting single IPv6 addresses would let one
/// person try from 2^64 of them). An IPv4 address mapped into IPv6 counts as the IPv4 address.
/// </summary>
public static class ClientNetwork
{
    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
