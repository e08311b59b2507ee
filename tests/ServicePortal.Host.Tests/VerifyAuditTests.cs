using Dapper;
using ServicePortal.Core.Audit;

namespace ServicePortal.Host.Tests;

/// <summary>
/// <c>verify-audit</c>, run as an operator runs it (the built host as its own process): OK with counts for every
/// chained table, or the first broken row named with a non-zero exit.
/// </summary>
public sealed class VerifyAuditTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Intact_chains_are_reported_with_their_counts()
    {
        await using var database = await TestDatabase.CreateAsync();
        await WriteAccessesAsync(database, 3);

        var result = await HostProcess.RunAsync("ServicePortal.Host", ["verify-audit"],
            new Dictionary<string, string> { ["ConnectionStrings__Portal"] = database.ConnectionString }, Timeout);

        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        Assert.Contains("OK portal.access_log: 3 rows in 1 daily chains", result.StandardOutput);
        Assert.Contains("OK gateway.proxied_calls: 0 rows", result.StandardOutput);
    }

    [Fact]
    public async Task An_edited_row_is_named_and_the_command_fails()
    {
        await using var database = await TestDatabase.CreateAsync();
        var ids = await WriteAccessesAsync(database, 3);
        await using (var dataSource = database.CreateDataSource())
        await using (var owner = await dataSource.OpenConnectionAsync())
        {
            await owner.ExecuteAsync("UPDATE portal.access_log SET reason = 'edited' WHERE id = @id", new { id = ids[1] });
        }

        var result = await HostProcess.RunAsync("ServicePortal.Host", ["verify-audit"],
            new Dictionary<string, string> { ["ConnectionStrings__Portal"] = database.ConnectionString }, Timeout);

        Assert.Equal(AuditVerification.Broken, result.ExitCode);
        Assert.Contains($"BROKEN portal.access_log: first broken row: portal.access_log id {ids[1]} ", result.StandardError);
        Assert.Contains("changed after it was written", result.StandardError);
        Assert.DoesNotContain("   at ", result.StandardError); // no stack trace
    }

    private static async Task<long[]> WriteAccessesAsync(TestDatabase database, int count)
    {
        await using var dataSource = database.CreateDataSource();
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await AccessLog.RecordAsync(connection, transaction,
                new AccessLogEntry(Guid.NewGuid(), Guid.NewGuid(), "helpdesk_agent", AccessAction.Case, $"case {i}"), CancellationToken.None);
            ids.Add(await connection.ExecuteScalarAsync<long>("SELECT max(id) FROM portal.access_log", transaction: transaction));
            await transaction.CommitAsync();
        }

        return [.. ids];
    }
}
