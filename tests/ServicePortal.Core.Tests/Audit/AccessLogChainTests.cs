using Dapper;
using Npgsql;
using ServicePortal.Core.Audit;

namespace ServicePortal.Core.Tests.Audit;

/// <summary>The access log's hash chain: parallel writers never fork it, and verify-audit names each kind of tampering.</summary>
public sealed class AccessLogChainTests : IAsyncLifetime
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
    public async Task Parallel_writers_on_many_connections_make_one_unbroken_chain()
    {
        const int writers = 8;
        const int each = 25;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < each; i++)
            {
                await using var connection = await _dataSource!.OpenConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                // A read, then its record, as every module does it.
                await connection.ExecuteScalarAsync<int>("SELECT 1", transaction: transaction);
                await AccessLog.RecordAsync(connection, transaction, Entry($"w{w}-{i}"), CancellationToken.None);
                await transaction.CommitAsync();
            }
        })));

        var report = await new AccessLogChainVerifier(_dataSource!).VerifyAsync(CancellationToken.None);

        Assert.Null(report.FirstBreak);
        Assert.Equal(writers * each, report.Rows);
        await using var check = await _dataSource!.OpenConnectionAsync();
        var places = (await check.QueryAsync<long>("SELECT chain_seq FROM portal.access_log ORDER BY chain_seq")).ToList();
        Assert.Equal(Enumerable.Range(1, writers * each).Select(i => (long)i), places);
    }

    [Fact]
    public async Task An_export_of_many_rows_and_a_write_without_a_transaction_are_chained_too()
    {
        await using (var connection = await _dataSource!.OpenConnectionAsync())
        {
            await AccessLog.RecordManyAsync(connection, null, [Entry("a"), Entry("b"), Entry("c")], CancellationToken.None);
            await AccessLog.RecordAsync(connection, null, Entry("d"), CancellationToken.None);
        }

        var report = await new AccessLogChainVerifier(_dataSource!).VerifyAsync(CancellationToken.None);

        Assert.True(report.Intact, report.FirstBreak?.Problem);
        Assert.Equal((4, 1), (report.Rows, report.Days));
    }

    [Fact]
    public async Task A_rolled_back_read_leaves_no_record_and_no_gap()
    {
        await WriteAsync(2);
        await using (var connection = await _dataSource!.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await AccessLog.RecordAsync(connection, transaction, Entry("rolled back"), CancellationToken.None);
            await transaction.RollbackAsync();
        }

        await WriteAsync(1);

        var report = await new AccessLogChainVerifier(_dataSource!).VerifyAsync(CancellationToken.None);
        Assert.True(report.Intact, report.FirstBreak?.Problem);
        Assert.Equal(3, report.Rows);
    }

    [Fact]
    public async Task Editing_a_row_is_named()
    {
        var ids = await WriteAsync(5);

        await TamperAsync("UPDATE portal.access_log SET reason = 'nothing to see' WHERE id = @id", new { id = ids[2] });

        var broken = await FirstBreakAsync();
        Assert.Equal("portal.access_log", broken.Table);
        Assert.Contains($"id {ids[2]} ", broken.Row);
        Assert.Contains("changed", broken.Problem);
    }

    [Fact]
    public async Task Deleting_a_row_is_named()
    {
        var ids = await WriteAsync(5);

        await TamperAsync("DELETE FROM portal.access_log WHERE id = @id", new { id = ids[1] });

        var broken = await FirstBreakAsync();
        Assert.Contains($"id {ids[2]} ", broken.Row); // the row after the hole
        Assert.Contains("missing", broken.Problem);
    }

    [Fact]
    public async Task Deleting_the_last_rows_is_named_from_the_day_head()
    {
        var ids = await WriteAsync(5);

        await TamperAsync("DELETE FROM portal.access_log WHERE id >= @id", new { id = ids[3] });

        var broken = await FirstBreakAsync();
        Assert.Contains("#4", broken.Row);
        Assert.Contains("deleted from the end", broken.Problem);
    }

    [Fact]
    public async Task Deleting_a_row_and_renumbering_the_rest_is_named()
    {
        var ids = await WriteAsync(4);

        await TamperAsync(
            "DELETE FROM portal.access_log WHERE id = @id; UPDATE portal.access_log SET chain_seq = chain_seq - 1 WHERE id > @id;" +
            "UPDATE portal.access_log_chain SET last_seq = last_seq - 1", new { id = ids[1] });

        var broken = await FirstBreakAsync();
        Assert.Contains($"id {ids[2]} ", broken.Row);
        Assert.Contains("does not link", broken.Problem);
    }

    [Fact]
    public async Task Swapping_two_rows_is_named()
    {
        var ids = await WriteAsync(5);

        // Row 2 takes row 3's place and row 3 takes row 2's: the log reads in another order.
        await TamperAsync(
            """
            UPDATE portal.access_log l SET chain_seq = o.chain_seq
            FROM portal.access_log o
            WHERE (l.id, o.id) IN ((@a, @b), (@b, @a))
            """, new { a = ids[1], b = ids[2] });

        var broken = await FirstBreakAsync();
        Assert.Contains($"id {ids[2]} ", broken.Row); // now first at place #2
        Assert.Contains("does not link", broken.Problem);
    }

    [Fact]
    public async Task A_row_slipped_in_without_a_chain_is_refused_and_an_unchained_one_is_named()
    {
        await WriteAsync(2);
        await using var connection = await _dataSource!.OpenConnectionAsync();

        // The portal's own SQL cannot write an unchained row...
        var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            "INSERT INTO portal.access_log (citizen_account_id, staff_account_id, staff_role, action, subject) VALUES (@c, @c, 'x', 'case', 'x')",
            new { c = Guid.NewGuid() }));
        Assert.Equal(PostgresErrorCodes.CheckViolation, refused.SqlState);

        // ...and one slipped in with the check dropped is named.
        await TamperAsync(
            """
            ALTER TABLE portal.access_log DROP CONSTRAINT access_log_chained;
            INSERT INTO portal.access_log (citizen_account_id, staff_account_id, staff_role, action, subject) VALUES (@c, @c, 'x', 'case', 'x');
            """, new { c = Guid.NewGuid() });
        var broken = await FirstBreakAsync();
        Assert.Contains("no place in the chain", broken.Problem);
    }

    private static AccessLogEntry Entry(string subject) =>
        new(Guid.NewGuid(), Guid.NewGuid(), "helpdesk_agent", AccessAction.Lookup, subject, "complaint", "Mwananchi alipiga simu / the citizen called");

    private async Task<long[]> WriteAsync(int count)
    {
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            await using var connection = await _dataSource!.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await AccessLog.RecordAsync(connection, transaction, Entry($"row {i}"), CancellationToken.None);
            ids.Add(await connection.ExecuteScalarAsync<long>("SELECT max(id) FROM portal.access_log", transaction: transaction));
            await transaction.CommitAsync();
        }

        return [.. ids];
    }

    /// <summary>The test database's owner (a superuser here) does what an intruder with the database would.</summary>
    private async Task TamperAsync(string sql, object parameters)
    {
        await using var connection = await _dataSource!.OpenConnectionAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    private async Task<AuditChainBreak> FirstBreakAsync()
    {
        var report = await new AccessLogChainVerifier(_dataSource!).VerifyAsync(CancellationToken.None);
        Assert.False(report.Intact);
        return report.FirstBreak!;
    }
}
