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
    private static readonly Lazy<string> Template = new(() => $"portal_template_{MigrationsHash()}");
    private static string TemplateName => Template.Value;
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

    /// <summary>
    /// The migrated template, shared by every test process of a run that uses one server (./build.sh test starts one
    /// cluster for the whole run): named by a hash of every migration script, made once under an advisory lock, and
    /// marked finished by <c>IS_TEMPLATE</c>, so a process that finds it finished clones it at once and one that finds
    /// it half made (its maker was killed) makes it again. Hangfire's schema is installed in it too, so no portal
    /// host of the suite spends its start-up creating it.
    /// </summary>
    private static async Task EnsureTemplateAsync(TestPostgres.Server server)
    {
        await TemplateLock.WaitAsync();
        try
        {
            if (_templateReady)
            {
                return;
            }

            await using var admin = new NpgsqlConnection(server.AdminConnectionString);
            await admin.OpenAsync();
            await using (var gate = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended('serviceportal-test-template', 0))", admin))
            {
                await gate.ExecuteNonQueryAsync();
            }

            await using (var ready = new NpgsqlCommand("SELECT datistemplate FROM pg_database WHERE datname = $1", admin))
            {
                ready.Parameters.Add(new NpgsqlParameter { Value = TemplateName });
                if (await ready.ExecuteScalarAsync() is true)
                {
                    _templateReady = true;
                    return;
                }
            }

            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{TemplateName}\" WITH (FORCE)");
            await ExecuteAsync(server, $"CREATE DATABASE \"{TemplateName}\" TEMPLATE template0");
            // A template must have no open connection when it is cloned: no pooling while it is made.
            var connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionStringFor(TemplateName))
            {
                Pooling = false,
            }.ConnectionString;
            await new Migrations(MigrationAssemblies).ApplyAsync(connectionString, NullLogger.Instance);
            _ = new Hangfire.PostgreSql.PostgreSqlStorage(
                new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(connectionString, new Hangfire.PostgreSql.PostgreSqlStorageOptions()),
                new Hangfire.PostgreSql.PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true });
            await ExecuteAsync(server, $"ALTER DATABASE \"{TemplateName}\" WITH IS_TEMPLATE true");
            await DropOtherTemplatesAsync(server);
            _templateReady = true;
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    /// <summary>Templates of older migrations, on a server that outlives runs (PORTAL_TEST_DB); one in use stays.</summary>
    private static async Task DropOtherTemplatesAsync(TestPostgres.Server server)
    {
        await using var admin = new NpgsqlConnection(server.AdminConnectionString);
        await admin.OpenAsync();
        var stale = new List<string>();
        await using (var list = new NpgsqlCommand(
                         "SELECT datname FROM pg_database WHERE datname LIKE 'portal\\_template\\_%' AND datname <> $1", admin))
        {
            list.Parameters.Add(new NpgsqlParameter { Value = TemplateName });
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stale.Add(reader.GetString(0));
            }
        }

        foreach (var name in stale)
        {
            try
            {
                await ExecuteAsync(server, $"ALTER DATABASE \"{name}\" WITH IS_TEMPLATE false");
                await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{name}\"");
            }
            catch (PostgresException)
            {
                // Another run is cloning it right now: it goes next time.
            }
        }
    }

    /// <summary>A short hash of every migration script's name and text: a new or changed script makes a new template.</summary>
    private static string MigrationsHash()
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var script in new Migrations(MigrationAssemblies).Scripts)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(script.Name + "\n" + script.Contents + "\n"));
        }

        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(typeof(Hangfire.PostgreSql.PostgreSqlStorage).Assembly.FullName ?? ""));
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
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
