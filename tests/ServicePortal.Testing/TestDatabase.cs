using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ServicePortal.Core.Database;

namespace ServicePortal.Testing;

/// <summary>
/// A fresh database for one test class, cloned from a template that every module's migrations were applied
/// to once in this test process (a clone takes milliseconds; migrating takes seconds). Dropped at the end.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private static readonly string TemplateName = $"portal_template_{Environment.ProcessId}";
    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static bool _templateReady;

    private readonly TestPostgres.Server _server;

    private TestDatabase(TestPostgres.Server server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = server.ConnectionStringFor(name);
    }

    public string Name { get; }
    public string ConnectionString { get; }

    /// <summary>Every assembly that embeds migrations: the host's whole composition.</summary>
    public static IReadOnlyList<Assembly> MigrationAssemblies { get; } =
    [
        typeof(PortalDatabase).Assembly,
        typeof(Identity.IdentityModule).Assembly,
        typeof(Catalog.CatalogModule).Assembly,
        typeof(Gateway.GatewayModule).Assembly,
        typeof(Requests.RequestsModule).Assembly,
        typeof(Helpdesk.HelpdeskModule).Assembly,
    ];

    /// <summary>A migrated database of its own.</summary>
    public static async Task<TestDatabase> CreateAsync()
    {
        var server = await TestPostgres.GetAsync();
        await EnsureTemplateAsync(server);
        return await CreateFromAsync(server, TemplateName);
    }

    /// <summary>An empty database of its own, with no migration applied (for testing migrations).</summary>
    public static async Task<TestDatabase> CreateEmptyAsync()
    {
        var server = await TestPostgres.GetAsync();
        return await CreateFromAsync(server, "template0");
    }

    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString);

    /// <summary>Whether the migrated database has this schema (each module owns one).</summary>
    public async Task<bool> HasSchemaAsync(string schema)
    {
        await using var dataSource = CreateDataSource();
        await using var command = dataSource.CreateCommand(
            "SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = schema });
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }

    /// <summary>
    /// PostgreSQL away for this database only (for tests of outages): with <c>false</c> no new connection is let
    /// in and the open ones are ended; with <c>true</c> it is back. Pools are cleared either way, so no pooled
    /// connection ended meanwhile is handed out again.
    /// </summary>
    public async Task SetConnectionsAllowedAsync(bool allowed)
    {
        await ExecuteAsync(_server, $"ALTER DATABASE \"{Name}\" WITH ALLOW_CONNECTIONS {(allowed ? "true" : "false")}");
        if (!allowed)
        {
            await using var connection = new NpgsqlConnection(_server.AdminConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = Name });
            await command.ExecuteNonQueryAsync();
        }

        NpgsqlConnection.ClearAllPools();
    }

    public async ValueTask DisposeAsync()
    {
        await ExecuteAsync(_server, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
    }

    private static async Task<TestDatabase> CreateFromAsync(TestPostgres.Server server, string template)
    {
        var name = $"t_{Guid.NewGuid():N}";
        await ExecuteAsync(server, $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
        return new TestDatabase(server, name);
    }

    private static async Task EnsureTemplateAsync(TestPostgres.Server server)
    {
        await TemplateLock.WaitAsync();
        try
        {
            if (_templateReady)
            {
                return;
            }

            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{TemplateName}\" WITH (FORCE)");
            await ExecuteAsync(server, $"CREATE DATABASE \"{TemplateName}\" TEMPLATE template0");
            // A template must have no open connection when it is cloned: no pooling for its migration.
            var connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionStringFor(TemplateName))
            {
                Pooling = false,
            }.ConnectionString;
            await new Migrations(MigrationAssemblies).ApplyAsync(connectionString, NullLogger.Instance);
            if (server.Embedded is null)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                    ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{TemplateName}\" WITH (FORCE)").GetAwaiter().GetResult();
            }

            _templateReady = true;
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    // Database names are generated here, never taken from outside, so composing them into DDL is safe.
    private static async Task ExecuteAsync(TestPostgres.Server server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
