using System.Security.Cryptography;
using System.Text;
using Npgsql;
using ServicePortal.Core.Security;

namespace ServicePortal.Identity.Session;

/// <summary>
/// How many distinct NINs one client network (<see cref="ClientNetwork"/>) has tried in a fixed window, in PostgreSQL
/// (table <c>identity.network_nins</c>), so it holds across nodes. Not a count of attempts: behind a carrier's NAT
/// thousands of phones share one address, and one person's typos (which the NIN's own lock bounds) must not close
/// the door for all of them; what one network must not do is try many NINs (credential stuffing, password spraying,
/// a list of stolen ID-card details). A NIN is admitted before its attempt is checked (so parallel attempts cannot
/// pass together), and let go again when it is proven (a right password, a right answer), so the people who get in
/// cost their network nothing.
/// </summary>
public sealed class NetworkNins(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>
    /// Admits the NIN to the network's set for this window (if it is in it already, or the set is not full). The
    /// window's end says when a refused network may try again.
    /// </summary>
    public async Task<(bool Admitted, DateTimeOffset WindowEnd)> AdmitAsync(AttemptLimit limit, string network, string ninDigits,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limit);
        var (start, end) = AttemptLimits.WindowAt(limit.Window, clock.GetUtcNow());
        var networkHash = Hash("network:" + network);
        var ninHash = Hash("nin:" + ninDigits);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // One admission at a time per network and window, so two new NINs at once cannot both take the last place.
        await using (var gate = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction))
        {
            gate.Parameters.Add(new NpgsqlParameter { Value = $"network-nins:{limit.Scope}:{Convert.ToHexString(networkHash)}:{start.ToUnixTimeSeconds()}" });
            await gate.ExecuteNonQueryAsync(cancellationToken);
        }

        bool member;
        int count;
        await using (var read = new NpgsqlCommand(
                         """
                         SELECT coalesce(bool_or(nin_hash = $4), false), count(*)::int
                         FROM identity.network_nins WHERE scope = $1 AND network_hash = $2 AND window_start = $3
                         """, connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = limit.Scope });
            read.Parameters.Add(new NpgsqlParameter { Value = networkHash });
            read.Parameters.Add(new NpgsqlParameter { Value = start });
            read.Parameters.Add(new NpgsqlParameter { Value = ninHash });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            member = reader.GetBoolean(0);
            count = reader.GetInt32(1);
        }

        if (member || count >= limit.Permitted)
        {
            await transaction.CommitAsync(cancellationToken);
            return (member, end);
        }

        await using (var insert = new NpgsqlCommand(
                         """
                         WITH tidy AS (
                             DELETE FROM identity.network_nins
                             WHERE ctid = ANY (ARRAY(SELECT ctid FROM identity.network_nins WHERE window_end < $5 - interval '1 day' LIMIT 20))
                         )
                         INSERT INTO identity.network_nins (scope, network_hash, window_start, nin_hash, window_end)
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING
                         """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = limit.Scope });
            insert.Parameters.Add(new NpgsqlParameter { Value = networkHash });
            insert.Parameters.Add(new NpgsqlParameter { Value = start });
            insert.Parameters.Add(new NpgsqlParameter { Value = ninHash });
            insert.Parameters.Add(new NpgsqlParameter { Value = end });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (true, end);
    }

    /// <summary>The NIN got in (or was proven): it no longer counts against its network in this window.</summary>
    public async Task ReleaseAsync(AttemptLimit limit, string network, string ninDigits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limit);
        var (start, _) = AttemptLimits.WindowAt(limit.Window, clock.GetUtcNow());
        await using var command = dataSource.CreateCommand(
            "DELETE FROM identity.network_nins WHERE scope = $1 AND network_hash = $2 AND window_start = $3 AND nin_hash = $4");
        command.Parameters.Add(new NpgsqlParameter { Value = limit.Scope });
        command.Parameters.Add(new NpgsqlParameter { Value = Hash("network:" + network) });
        command.Parameters.Add(new NpgsqlParameter { Value = start });
        command.Parameters.Add(new NpgsqlParameter { Value = Hash("nin:" + ninDigits) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
