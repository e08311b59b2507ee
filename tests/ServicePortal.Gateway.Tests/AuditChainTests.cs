using System.Net;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Core.Audit;
using ServicePortal.Core.Security;
using ServicePortal.Gateway.Audit;

namespace ServicePortal.Gateway.Tests;

/// <summary>
/// The gateway audit's hash chain, written by the real batch writers: several nodes' writers at once never fork it,
/// and verify-audit names an edited, deleted or swapped row.
/// </summary>
public sealed class AuditChainTests : IAsyncLifetime
{
    private TestDatabase? _database;
    private NpgsqlDataSource? _dataSource;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _dataSource = _database.CreateDataSource();
    }

    public async Task DisposeAsync()
    {
        await _dataSource!.DisposeAsync();
        await _database!.DisposeAsync();
    }

    [Fact]
    public async Task Three_nodes_writing_batches_at_once_make_one_unbroken_chain()
    {
        const int nodes = 3;
        const int calls = 400;
        var options = Options.Create(new GatewayOptions { AuditBatchSize = 7, AuditFlushInterval = TimeSpan.FromMilliseconds(1) });
        var queues = Enumerable.Range(0, nodes).Select(_ => new ProxyAudit(options)).ToList();
        using var logs = new TestLogs("audit writers");
        var writers = queues.Select(q => new AuditWriter(_dataSource!, q, options, TimeProvider.System, new LoggerFactory([logs]).CreateLogger<AuditWriter>())).ToList();
        foreach (var writer in writers)
        {
            await writer.StartAsync(CancellationToken.None);
        }

        try
        {
            // Each node's citizens call at once; the writers take turns at the day's head, batch by batch.
            await Task.WhenAll(queues.Select((queue, node) => Task.Run(() =>
            {
                for (var i = 0; i < calls; i++)
                {
                    queue.Record(Call($"n{node}-{i}", i % 3 == 0 ? IPAddress.Parse("fe80::1%2") : IPAddress.Loopback));
                }
            })));
            try
            {
                await Eventually.TrueAsync(async () => await CountAsync() == nodes * calls, "every call written");
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"{e.Message} ({await CountAsync()} written); the writers said: {logs.Recent()}; {string.Join(" / ", writers.Select(w => w.ExecuteTask?.Exception?.ToString()))}", e);
            }
        }
        finally
        {
            foreach (var writer in writers)
            {
                await writer.StopAsync(CancellationToken.None);
                writer.Dispose();
            }

            queues.ForEach(q => q.Dispose());
        }

        var report = await new AuditChainVerifier(_dataSource!).VerifyAsync(CancellationToken.None);

        Assert.True(report.Intact, report.FirstBreak?.Problem);
        Assert.Equal(nodes * calls, report.Rows);
        await using var connection = await _dataSource!.OpenConnectionAsync();
        var places = (await connection.QueryAsync<long>("SELECT chain_seq FROM gateway.proxied_calls ORDER BY chain_seq")).ToList();
        Assert.Equal(Enumerable.Range(1, nodes * calls).Select(i => (long)i), places);
    }

    [Fact]
    public async Task Editing_a_call_is_named_by_its_request_id()
    {
        await WriteAsync(5);

        await TamperAsync("UPDATE gateway.proxied_calls SET status = 200 WHERE request_id = 'call-2'");

        var broken = await FirstBreakAsync();
        Assert.Equal("gateway.proxied_calls", broken.Table);
        Assert.Contains("request_id call-2 ", broken.Row);
        Assert.Contains("changed", broken.Problem);
    }

    [Fact]
    public async Task Deleting_a_call_is_named()
    {
        await WriteAsync(5);

        await TamperAsync("DELETE FROM gateway.proxied_calls WHERE request_id = 'call-1'");

        var broken = await FirstBreakAsync();
        Assert.Contains("request_id call-2 ", broken.Row);
        Assert.Contains("missing", broken.Problem);
    }

    [Fact]
    public async Task Deleting_the_last_calls_is_named()
    {
        await WriteAsync(5);

        await TamperAsync("DELETE FROM gateway.proxied_calls WHERE request_id = 'call-4'");

        var broken = await FirstBreakAsync();
        Assert.Contains("deleted from the end", broken.Problem);
    }

    [Fact]
    public async Task Swapping_two_calls_is_named()
    {
        await WriteAsync(5);

        await TamperAsync(
            """
            UPDATE gateway.proxied_calls SET chain_seq = CASE request_id WHEN 'call-1' THEN chain_seq + 1 ELSE chain_seq - 1 END
            WHERE request_id IN ('call-1', 'call-2')
            """);

        var broken = await FirstBreakAsync();
        Assert.Contains("request_id call-2 ", broken.Row);
        Assert.Contains("does not link", broken.Problem);
    }

    private static AgencyCall Call(string requestId, IPAddress? address = null) =>
        new(DateTimeOffset.UtcNow, requestId, "pairwise-subject", "rita", "birth-certificates", "GET", "/status?ref=",
            500, 12, 0, 321, address, null);

    /// <summary>One batch through the real writer.</summary>
    private async Task WriteAsync(int count)
    {
        var options = Options.Create(new GatewayOptions());
        using var queue = new ProxyAudit(options);
        using var writer = new AuditWriter(_dataSource!, queue, options, TimeProvider.System, NullLogger<AuditWriter>.Instance);
        for (var i = 0; i < count; i++)
        {
            queue.Record(Call($"call-{i}"));
        }

        await writer.StartAsync(CancellationToken.None);
        await writer.StopAsync(CancellationToken.None); // drains the queue
        Assert.Equal(count, await CountAsync());
    }

    private async Task<long> CountAsync()
    {
        await using var connection = await _dataSource!.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM gateway.proxied_calls");
    }

    /// <summary>The test database's owner (a superuser here) does what an intruder with the database would.</summary>
    private async Task TamperAsync(string sql)
    {
        await using var connection = await _dataSource!.OpenConnectionAsync();
        await connection.ExecuteAsync(sql);
    }

    private async Task<AuditChainBreak> FirstBreakAsync()
    {
        var report = await new AuditChainVerifier(_dataSource!).VerifyAsync(CancellationToken.None);
        Assert.False(report.Intact);
        return report.FirstBreak!;
    }
}
