using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ServicePortal.Core.Database;

namespace ServicePortal.Testing;

/// <summary>
/// The PostgreSQL server of this test run: <c>PORTAL_TEST_DB</c> when set (a connection string to an
/// existing server whose user may create databases), else one embedded cluster for the whole test process,
/// in a temporary folder, stopped and removed when the process exits. A cluster left behind by a test
/// process that was killed is cleaned up by the next run.
/// </summary>
public static class TestPostgres
{
    private static readonly string RunsRoot = Path.Combine(Path.GetTempPath(), "serviceportal-tests");
    private static readonly Lazy<Task<Server>> Instance = new(StartAsync);

    public static Task<Server> GetAsync() => Instance.Value;

    private static async Task<Server> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable("PORTAL_TEST_DB");
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new Server(external, null);
        }

        await SweepAbandonedRunsAsync();
        var root = Path.Combine(RunsRoot, $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        var embedded = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(root, Ephemeral: true),
            NullLogger.Instance);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => embedded.StopAsync().GetAwaiter().GetResult();
        return new Server(embedded.ConnectionStringFor("postgres"), embedded);
    }

    /// <summary>Stops and removes clusters whose test process no longer runs.</summary>
    private static async Task SweepAbandonedRunsAsync()
    {
        if (!Directory.Exists(RunsRoot))
        {
            return;
        }

        foreach (var run in Directory.GetDirectories(RunsRoot))
        {
            var name = Path.GetFileName(run);
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(name[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ||
                Directory.Exists($"/proc/{pid}"))
            {
                continue;
            }

            try
            {
                // Starting it takes it over (the owner is dead) and stopping it removes it.
                var abandoned = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(run, Ephemeral: true),
                    NullLogger.Instance);
                await abandoned.StopAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                try
                {
                    Directory.Delete(run, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    public sealed record Server(string AdminConnectionString, EmbeddedPostgres? Embedded)
    {
        public string ConnectionStringFor(string database) =>
            new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;
    }
}
