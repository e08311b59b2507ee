using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using System.Net;
using ServicePortal.Core.Audit;
using ServicePortal.Core.Security;

namespace ServicePortal.Gateway.Audit;

/// <summary>
/// Takes records off the <see cref="ProxyAudit"/> queue and writes them with binary <c>COPY</c>, many per
/// round trip. When PostgreSQL is away the batch in hand is kept and retried with backoff while new records
/// wait in the queue (bounded). At shutdown, after the web server has stopped taking requests, the queue is
/// closed and drained before the host's shutdown timeout ends. Also keeps the monthly partitions made ahead.
/// </summary>
internal partial class AuditWriter(
    NpgsqlDataSource dataSource,
    ProxyAudit audit,
    IOptions<GatewayOptions> options,
    TimeProvider clock,
    ILogger<AuditWriter> logger) : BackgroundService
{
    private const string Copy =
        "COPY gateway.proxied_calls (at, request_id, subject, agency, endpoint, method, path, status, duration_ms, " +
        "bytes_in, bytes_out, client_address, client_request_id, chain_day, chain_seq, prev_hash, hash) FROM STDIN (FORMAT BINARY)";

    /// <summary>The chain's name in its genesis hash.</summary>
    internal const string Chain = "gateway.proxied_calls";

    private readonly CancellationTokenSource _abandon = new();
    private DateTimeOffset _partitionsCheckedAt = DateTimeOffset.MinValue;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Drain, do not abandon: the queue closes, the loop writes what is left and ends. Only when the host's
        // shutdown timeout runs out is the rest given up (and logged with its count).
        audit.Close();
        await using (cancellationToken.Register(() => _abandon.Cancel()))
        {
            if (ExecuteTask is { } running)
            {
                await Task.WhenAny(running, Task.Delay(Timeout.Infinite, cancellationToken));
            }
        }

        await base.StopAsync(CancellationToken.None);
    }

    public override void Dispose()
    {
        _abandon.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var token = _abandon.Token; // not stoppingToken: stopping means drain
        var batch = new List<AgencyCall>(options.Value.AuditBatchSize);
        var delay = TimeSpan.FromMilliseconds(250);
        try
        {
            while (true)
            {
                // With a batch in hand (a failed write) go straight back to it; otherwise wait for records. The
                // wait ends false once the queue is closed and empty: everything is written.
                if (batch.Count == 0)
                {
                    if (!await audit.Reader.WaitToReadAsync(token))
                    {
                        break;
                    }

                    // Let a batch gather (or the queue close, at shutdown) before writing a small one.
                    if (audit.Depth < options.Value.AuditBatchSize)
                    {
                        await Task.WhenAny(Task.Delay(options.Value.AuditFlushInterval, token), audit.Closed);
                        token.ThrowIfCancellationRequested();
                    }
                }

                while (batch.Count < options.Value.AuditBatchSize && audit.Reader.TryRead(out var call))
                {
                    batch.Add(call);
                }

                try
                {
                    await EnsurePartitionsAsync(token);
                    await WriteAsync(batch, token);
                    audit.Taken(batch.Count);
                    audit.Written.Add(batch.Count);
                    batch.Clear();
                    delay = TimeSpan.FromMilliseconds(250);
                }
                catch (Exception e) when ((e is NpgsqlException or TimeoutException or IOException or InvalidOperationException) &&
                                          !token.IsCancellationRequested)
                {
                    // Keep the batch; the queue holds the rest. Back off up to 30 s between tries.
                    LogWriteFailed(logger, e, batch.Count, audit.Depth, delay.TotalSeconds);
                    await Task.Delay(delay, token);
                    delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 30_000));
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            LogAbandoned(logger, audit.Depth);
        }
    }

    /// <summary>
    /// One batch, one transaction: the day's chain head is locked (one round trip), the batch's links are computed
    /// here, the rows go in with COPY and the head moves to the batch's last link. Another node's batch waits for the
    /// head's lock, never for the proxy.
    /// </summary>
    private async Task WriteAsync(List<AgencyCall> batch, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        DateOnly day;
        long seq;
        byte[] previous;
        await using (var head = new NpgsqlCommand(
                         """
                         INSERT INTO gateway.proxied_calls_chain AS h (day, last_seq, last_hash)
                         VALUES ((now() AT TIME ZONE 'UTC')::date, 0, NULL)
                         ON CONFLICT (day) DO UPDATE SET last_seq = h.last_seq
                         RETURNING day, last_seq, last_hash
                         """, connection, transaction))
        await using (var reader = await head.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            day = reader.GetFieldValue<DateOnly>(0);
            seq = reader.GetInt64(1);
            previous = reader.IsDBNull(2) ? AuditChain.Genesis(Chain, day) : reader.GetFieldValue<byte[]>(2);
        }

        using var hasher = new AuditRecordHasher();
        await using (var importer = await connection.BeginBinaryImportAsync(Copy, cancellationToken))
        {
            foreach (var written in batch)
            {
                var call = Stored(written);
                var link = Hash(hasher, previous, ++seq, call);
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(call.At, NpgsqlDbType.TimestampTz, cancellationToken);
                await importer.WriteAsync(call.RequestId, NpgsqlDbType.Text, cancellationToken);
                await WriteOrNullAsync(importer, call.Subject, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(call.Agency, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(call.Endpoint, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(call.Method, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(call.Path, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync((short)call.Status, NpgsqlDbType.Smallint, cancellationToken);
                await importer.WriteAsync(call.DurationMs, NpgsqlDbType.Integer, cancellationToken);
                await importer.WriteAsync(call.BytesIn, NpgsqlDbType.Bigint, cancellationToken);
                await importer.WriteAsync(call.BytesOut, NpgsqlDbType.Bigint, cancellationToken);
                await WriteOrNullAsync(importer, call.ClientAddress, NpgsqlDbType.Inet, cancellationToken);
                await WriteOrNullAsync(importer, call.ClientRequestId, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(day, NpgsqlDbType.Date, cancellationToken);
                await importer.WriteAsync(seq, NpgsqlDbType.Bigint, cancellationToken);
                await importer.WriteAsync(previous, NpgsqlDbType.Bytea, cancellationToken);
                await importer.WriteAsync(link, NpgsqlDbType.Bytea, cancellationToken);
                previous = link;
            }

            await importer.CompleteAsync(cancellationToken);
        }

        await using (var moved = new NpgsqlCommand(
                         "UPDATE gateway.proxied_calls_chain SET last_seq = $1, last_hash = $2 WHERE day = $3", connection, transaction))
        {
            moved.Parameters.Add(new NpgsqlParameter { Value = seq });
            moved.Parameters.Add(new NpgsqlParameter { Value = previous });
            moved.Parameters.Add(new NpgsqlParameter { Value = day });
            await moved.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The call as PostgreSQL keeps it, so that it hashes the same when read back: an IPv6 address without its zone
    /// (inet has none). Times need nothing: the hash takes microseconds, as the column does.
    /// </summary>
    private static AgencyCall Stored(AgencyCall call) =>
        call.ClientAddress is { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6, ScopeId: not 0 } address
            ? call with { ClientAddress = new IPAddress(address.GetAddressBytes()) }
            : call;

    /// <summary>One row's link: its place and every field of the call.</summary>
    internal static byte[] Hash(AuditRecordHasher hasher, byte[] previous, long seq, AgencyCall call) =>
        hasher.Begin(previous).Add(seq).Add(call.At).Add(call.RequestId).Add(call.Subject).Add(call.Agency)
            .Add(call.Endpoint).Add(call.Method).Add(call.Path).Add(call.Status).Add(call.DurationMs).Add(call.BytesIn)
            .Add(call.BytesOut).Add(call.ClientAddress).Add(call.ClientRequestId).Finish();

    private static Task WriteOrNullAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type,
        CancellationToken cancellationToken) where T : class =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, type, cancellationToken);

    /// <summary>This month's partition and the next two, checked once a day.</summary>
    private async Task EnsurePartitionsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now - _partitionsCheckedAt < TimeSpan.FromDays(1))
        {
            return;
        }

        await using var command = dataSource.CreateCommand("SELECT gateway.ensure_proxied_calls_partitions(2)");
        await command.ExecuteScalarAsync(cancellationToken);
        _partitionsCheckedAt = now;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Audit records could not be written ({Batch} in hand, {Queued} queued); retrying in {Seconds} s")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int batch, long queued, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shutdown timed out with {Queued} audit records not written")]
    private static partial void LogAbandoned(ILogger logger, long queued);
}
