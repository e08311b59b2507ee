using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ServicePortal.Core.Database;

namespace ServicePortal.Core.Tests;

public sealed class MigrationsTests
{
    private static Migrations AllModules() => new(TestDatabase.MigrationAssemblies);

    [Fact]
    public void Scripts_are_named_by_date_and_ordered_across_modules()
    {
        var names = AllModules().Scripts.Select(s => s.Name).ToList();

        Assert.NotEmpty(names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.All(names, name => Assert.Matches(@"^\d{8}_\d{4}_[a-z]+_[a-z0-9_]+\.sql$", name));
        Assert.Equal("20261129_0900_core_portal_schema.sql", names[0]);
    }

    [Fact]
    public async Task Applies_every_script_once_and_records_it_in_the_journal()
    {
        await using var database = await TestDatabase.CreateEmptyAsync();
        await using var dataSource = database.CreateDataSource();
        var migrations = AllModules();
        Assert.Equal(migrations.Scripts.Count, (await migrations.PendingAsync(dataSource)).Count);

        await migrations.ApplyAsync(database.ConnectionString, NullLogger.Instance);
        await migrations.ApplyAsync(database.ConnectionString, NullLogger.Instance);

        Assert.Empty(await migrations.PendingAsync(dataSource));
        Assert.Equal(migrations.Scripts.Count, await CountJournalAsync(dataSource));
    }

    [Fact]
    public async Task Nodes_starting_together_migrate_once_under_the_advisory_lock()
    {
        await using var database = await TestDatabase.CreateEmptyAsync();
        await using var dataSource = database.CreateDataSource();
        var migrations = AllModules();

        // Four nodes start at the same moment; without the lock they would race to create the same objects.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => migrations.ApplyAsync(database.ConnectionString, NullLogger.Instance))));

        Assert.Equal(migrations.Scripts.Count, await CountJournalAsync(dataSource));
    }

    [Fact]
    public async Task A_failing_script_stops_with_its_name_and_leaves_nothing_half_applied()
    {
        await using var database = await TestDatabase.CreateEmptyAsync();
        await using var dataSource = database.CreateDataSource();
        var broken = new Migrations([typeof(MigrationsTests).Assembly]);

        var error = await Assert.ThrowsAsync<Hosting.PortalStartupException>(() =>
            broken.ApplyAsync(database.ConnectionString, NullLogger.Instance));

        Assert.Contains("20990101_0000_test_broken.sql", error.Message, StringComparison.Ordinal);
        await using var table = dataSource.CreateCommand("SELECT to_regclass('public.half_applied') IS NULL");
        Assert.True((bool)(await table.ExecuteScalarAsync())!);
    }

    private static async Task<long> CountJournalAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM portal.schema_migrations");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
