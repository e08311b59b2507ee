using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ServicePortal.Core.Database;
using ServicePortal.Core.Hosting;

namespace ServicePortal.Core.Tests;

/// <summary>The embedded cluster the host starts when no connection string is configured.</summary>
public sealed class EmbeddedPostgresTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "serviceportal-embedded-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Starts_on_loopback_and_keeps_data_across_restarts()
    {
        var first = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(_root), NullLogger.Instance);
        await first.EnsureDatabaseAsync("portal");
        var firstPort = first.Port;
        await ExecuteAsync(first.ConnectionStringFor("portal"), "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('habari')");
        Assert.Equal("127.0.0.1", new NpgsqlConnectionStringBuilder(first.ConnectionStringFor("portal")).Host);
        await first.StopAsync();
        Assert.False(File.Exists(Path.Combine(first.DataDirectory, "postmaster.pid")));

        await using var second = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(_root), NullLogger.Instance);
        await second.EnsureDatabaseAsync("portal");

        Assert.Equal("habari", await ScalarAsync(second.ConnectionStringFor("portal"), "SELECT value FROM kept"));
        Assert.True(firstPort > 0 && second.Port > 0);
    }

    [Fact]
    public async Task Refuses_connections_without_the_generated_password()
    {
        await using var server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(_root), NullLogger.Instance);
        var wrong = new NpgsqlConnectionStringBuilder(server.ConnectionStringFor("postgres")) { Password = "wrong" };

        var error = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(wrong.ConnectionString, "SELECT 1"));
        Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
    }

    [Fact]
    public async Task Recovers_from_a_stale_lock_left_by_a_crash()
    {
        var first = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(_root), NullLogger.Instance);
        await first.StopAsync();
        // What a power cut leaves behind: a lock file naming a process that no longer exists.
        var lockFile = Path.Combine(first.DataDirectory, "postmaster.pid");
        await File.WriteAllTextAsync(lockFile, "999999\n" + first.DataDirectory + "\n");

        await using var second = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(_root), NullLogger.Instance);

        Assert.Equal(1, await ScalarAsync(second.ConnectionStringFor("postgres"), "SELECT 1"));
    }

    [Fact]
    public async Task Takes_over_a_server_left_running_by_a_killed_host()
    {
        var orphan = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(_root), NullLogger.Instance);
        var orphanPid = int.Parse(File.ReadLines(Path.Combine(orphan.DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        // The host that started it was killed: its owner file names a process that is gone.
        await File.WriteAllTextAsync(Path.Combine(_root, "owner.pid"), "999999");

        await using var next = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(_root), NullLogger.Instance);

        Assert.True(await Processes.ExitsSoonAsync(orphanPid), "the orphaned server should have been stopped");
        Assert.Equal(1, await ScalarAsync(next.ConnectionStringFor("postgres"), "SELECT 1"));
    }

    [Fact]
    public async Task Refuses_a_data_folder_another_running_portal_owns()
    {
        Directory.CreateDirectory(_root);
        await File.WriteAllTextAsync(Path.Combine(_root, "owner.pid"), "1"); // process 1 always runs

        var error = await Assert.ThrowsAsync<PortalStartupException>(() =>
            EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(_root), NullLogger.Instance));

        Assert.Contains("Another portal", error.Message, StringComparison.Ordinal);
        Assert.Contains("Database:EmbeddedDirectory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Says_how_to_install_PostgreSQL_when_its_programs_are_missing()
    {
        var options = new EmbeddedPostgresOptions(_root, BinDirectory: "/nonexistent/postgresql/bin");

        var error = await Assert.ThrowsAsync<PortalStartupException>(() =>
            EmbeddedPostgres.StartAsync(options, NullLogger.Instance));

        Assert.Contains("apt-get install -y postgresql", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Portal", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
