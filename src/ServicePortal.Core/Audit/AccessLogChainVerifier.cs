using Npgsql;

namespace ServicePortal.Core.Audit;

/// <summary>Checks the access log's chains (<c>verify-audit</c>): every day's rows in order, then each day's head.</summary>
public sealed class AccessLogChainVerifier(NpgsqlDataSource dataSource) : IAuditChainVerifier
{
    private const string Table = "portal.access_log";

    public async Task<AuditChainReport> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for the heads and the rows, so appends made meanwhile do not look like a break.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);

        var heads = new Dictionary<DateOnly, (long, byte[]?)>();
        await using (var command = new NpgsqlCommand("SELECT day, last_seq, last_hash FROM portal.access_log_chain", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                heads[reader.GetFieldValue<DateOnly>(0)] = (reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2));
            }
        }

        // Unchained rows are the ones written before the chain began; one written after it is a break.
        long unchained;
        long? lateUnchained;
        await using (var command = new NpgsqlCommand(
                         """
                         WITH first AS (SELECT min(at) AS at FROM portal.access_log WHERE hash IS NOT NULL)
                         SELECT count(*) FILTER (WHERE l.at < coalesce(first.at, 'infinity')),
                                min(l.id) FILTER (WHERE l.at >= first.at)
                         FROM portal.access_log l, first
                         WHERE l.hash IS NULL OR l.chain_day IS NULL OR l.chain_seq IS NULL OR l.prev_hash IS NULL
                         """, connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            unchained = reader.GetInt64(0);
            lateUnchained = reader.IsDBNull(1) ? null : reader.GetInt64(1);
        }

        var walk = new AuditChainWalk(AccessLog.Chain, Table, heads);
        if (lateUnchained is { } id)
        {
            return new AuditChainReport(Table, 0, 0, unchained,
                new AuditChainBreak(Table, $"{Table} id {id}", "the row has no place in the chain but was written after the chain began"));
        }

        using var hasher = new AuditRecordHasher();
        await using (var command = new NpgsqlCommand(
                         """
                         SELECT id, chain_day, chain_seq, prev_hash, hash, at, citizen_account_id, staff_account_id,
                                staff_role, action, subject, reason_category, reason
                         FROM portal.access_log
                         WHERE hash IS NOT NULL AND chain_day IS NOT NULL AND chain_seq IS NOT NULL AND prev_hash IS NOT NULL
                         ORDER BY chain_day, chain_seq, id
                         """, connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var seq = reader.GetInt64(2);
                var at = reader.GetFieldValue<DateTimeOffset>(5);
                var citizen = reader.GetGuid(6);
                var staff = reader.GetGuid(7);
                var role = reader.GetString(8);
                var action = reader.GetString(9);
                var subject = reader.GetString(10);
                var category = reader.IsDBNull(11) ? null : reader.GetString(11);
                var reason = reader.IsDBNull(12) ? null : reader.GetString(12);
                if (!walk.Row(reader.GetFieldValue<DateOnly>(1), seq, reader.GetFieldValue<byte[]>(3), reader.GetFieldValue<byte[]>(4),
                        previous => AccessLog.Hash(hasher, previous, seq, at, citizen, staff, role, action, subject, category, reason),
                        $"{Table} id {reader.GetInt64(0)}"))
                {
                    break;
                }
            }
        }

        return walk.Finish(unchained);
    }
}
