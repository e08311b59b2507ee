using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
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
        "bytes_in, bytes_out, client_address, client_request_id) FROM STDIN (FORMAT BINARY)";

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

    private async Task WriteAsync(List<AgencyCall> batch, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var importer = await connection.BeginBinaryImportAsync(Copy, cancellationToken);
        foreach (var call in batch)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(call.At, NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteAsync(call.RequestId, NpgsqlDbType.Text, cancellationToken);
            if (call.Subject is null)
            {
                await importer.WriteNullAsync(cancellationToken);
            }
            else
            {
                await importer.WriteAsync(call.Subject, NpgsqlDbType.Text, cancellationToken);
            }

            await importer.WriteAsync(call.Agency, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(call.Endpoint, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(call.Method, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(call.Path, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync((short)call.Status, NpgsqlDbType.Smallint, cancellationToken);
            await importer.WriteAsync(call.DurationMs, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(call.BytesIn, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(call.BytesOut, NpgsqlDbType.Bigint, cancellationToken);
            if (call.ClientAddress is null)
            {
                await importer.WriteNullAsync(cancellationToken);
            }
            else
            {
                await importer.WriteAsync(call.ClientAddress, NpgsqlDbType.Inet, cancellationToken);
            }

            if (call.ClientRequestId is null)
            {
                await importer.WriteNullAsync(cancellationToken);
            }
            else
            {
                await importer.WriteAsync(call.ClientRequestId, NpgsqlDbType.Text, cancellationToken);
            }
        }

        await importer.CompleteAsync(cancellationToken);
    }

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
