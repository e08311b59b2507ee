using System.Data;
using System.Net;
using Npgsql;
using ServicePortal.Core.Audit;
using ServicePortal.Core.Security;

namespace ServicePortal.Gateway.Audit;

/// <summary>
/// Checks the gateway audit's chains (<c>verify-audit</c>). A row is named by its request id and its place in its
/// day, the table having no id of its own.
/// </summary>
internal sealed class AuditChainVerifier(NpgsqlDataSource dataSource) : IAuditChainVerifier
{
    private const string Table = "gateway.proxied_calls";

    public async Task<AuditChainReport> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for the heads and the rows: batches committed meanwhile do not look like a break.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

        var heads = new Dictionary<DateOnly, (long, byte[]?)>();
        await using (var command = new NpgsqlCommand("SELECT day, last_seq, last_hash FROM gateway.proxied_calls_chain", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                heads[reader.GetFieldValue<DateOnly>(0)] = (reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2));
            }
        }

        long unchained;
        string? lateUnchained;
        await using (var command = new NpgsqlCommand(
                         """
                         WITH first AS (SELECT min(at) AS at FROM gateway.proxied_calls WHERE hash IS NOT NULL)
                         SELECT count(*) FILTER (WHERE c.at < coalesce(first.at, 'infinity')),
                                min(c.request_id) FILTER (WHERE c.at >= first.at)
                         FROM gateway.proxied_calls c, first
                         WHERE c.hash IS NULL OR c.chain_day IS NULL OR c.chain_seq IS NULL OR c.prev_hash IS NULL
                         """, connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            unchained = reader.GetInt64(0);
            lateUnchained = reader.IsDBNull(1) ? null : reader.GetString(1);
        }

        if (lateUnchained is not null)
        {
            return new AuditChainReport(Table, 0, 0, unchained, new AuditChainBreak(Table, $"{Table} request_id {lateUnchained}",
                "the row has no place in the chain but was written after the chain began"));
        }

        var walk = new AuditChainWalk(AuditWriter.Chain, Table, heads);
        using var hasher = new AuditRecordHasher();
        await using (var command = new NpgsqlCommand(
                         """
                         SELECT chain_day, chain_seq, prev_hash, hash, at, request_id, subject, agency, endpoint, method, path,
                                status, duration_ms, bytes_in, bytes_out, client_address, client_request_id
                         FROM gateway.proxied_calls
                         WHERE hash IS NOT NULL AND chain_day IS NOT NULL AND chain_seq IS NOT NULL AND prev_hash IS NOT NULL
                         ORDER BY chain_day, chain_seq, request_id
                         """, connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var seq = reader.GetInt64(1);
                var call = new AgencyCall(
                    reader.GetFieldValue<DateTimeOffset>(4),
                    reader.GetString(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.GetString(7),
                    reader.GetString(8),
                    reader.GetString(9),
                    reader.GetString(10),
                    reader.GetInt16(11),
                    reader.GetInt32(12),
                    reader.GetInt64(13),
                    reader.GetInt64(14),
                    reader.IsDBNull(15) ? null : reader.GetFieldValue<IPAddress>(15),
                    reader.IsDBNull(16) ? null : reader.GetString(16));
                if (!walk.Row(reader.GetFieldValue<DateOnly>(0), seq, reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<byte[]>(3),
                        previous => AuditWriter.Hash(hasher, previous, seq, call), $"{Table} request_id {call.RequestId}"))
                {
                    break;
                }
            }
        }

        return walk.Finish(unchained);
    }
}
