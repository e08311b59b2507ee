using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;
using ServicePortal.Core.Hosting;

namespace ServicePortal.Core.Database;

/// <summary>
/// Wires the one store of record: the connection string named <c>Portal</c> when it is configured, else a
/// private embedded cluster; one <see cref="NpgsqlDataSource"/> for the whole process; migrations from
/// every module at start-up; and the readiness check.
/// </summary>
public static class PortalDatabase
{
    public const string ConnectionStringName = "Portal";
    public const string SettingName = "ConnectionStrings:Portal";

    /// <summary>
    /// Resolves the database and registers it. Returns the embedded server when one was started: the caller
    /// owns it and stops it when the host has stopped.
    /// </summary>
    public static async Task<EmbeddedPostgres?> AddPortalDatabaseAsync(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetConnectionString(ConnectionStringName);
        EmbeddedPostgres? embedded = null;
        string connectionString;
        var options = builder.Configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        var root = options.EmbeddedDirectory ?? Path.Combine(LocalData.Directory(builder.Environment.ContentRootPath), "postgres");
        if (string.IsNullOrWhiteSpace(configured))
        {
            using var bootLogging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
            embedded = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions(root),
                bootLogging.CreateLogger("ServicePortal.Database"));
            try
            {
                await embedded.EnsureDatabaseAsync(options.EmbeddedDatabase);
            }
            catch
            {
                await embedded.DisposeAsync();
                throw;
            }

            connectionString = embedded.ConnectionStringFor(options.EmbeddedDatabase);
        }
        else
        {
            connectionString = Validate(configured);
        }

        builder.Services.AddPortalDatabase(connectionString, builder.Configuration);
        builder.Services.AddSingleton(DatabaseFiles.For(embedded is null ? null : root, connectionString,
            builder.Environment.ContentRootPath));
        return embedded;
    }

    public static IServiceCollection AddPortalDatabase(this IServiceCollection services, string connectionString,
        IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection("Database")).ValidateOnStart();
        services.AddSingleton(new PortalConnectionString(connectionString));
        services.AddSingleton(sp => new NpgsqlDataSourceBuilder(connectionString)
            .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
            .Build());
        services.AddSingleton(sp => new Migrations(sp.GetServices<MigrationAssembly>().Select(m => m.Assembly)));
        services.AddMigrationsFrom(typeof(PortalDatabase).Assembly);
        services.AddSingleton<DatabaseStartup>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Security.AttemptLimits>();
        services.AddSingleton<Audit.IAuditChainVerifier, Audit.AccessLogChainVerifier>();
        services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        return services;
    }

    /// <summary>A module registers the assembly that embeds its <c>Migrations/*.sql</c>.</summary>
    public static IServiceCollection AddMigrationsFrom(this IServiceCollection services, Assembly assembly) =>
        services.AddSingleton(new MigrationAssembly(assembly));

    private static string Validate(string connectionString)
    {
        try
        {
            var parsed = new NpgsqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrWhiteSpace(parsed.Host))
            {
                throw new PortalStartupException($"{SettingName} names no Host.");
            }

            return parsed.ConnectionString;
        }
        catch (ArgumentException e)
        {
            throw new PortalStartupException($"{SettingName} is not a valid PostgreSQL connection string: {e.Message}", e);
        }
    }
}

internal sealed record MigrationAssembly(Assembly Assembly);

/// <summary>
/// The folder for files a node generates for its own database (Development's demo client secret): they
/// belong with that database, so a second portal on the same checkout (a benchmark, a test) with a database of
/// its own never overwrites the developer's. The embedded cluster's folder when there is one; otherwise a folder
/// under <c>.data/databases/</c> named after the server and database.
/// </summary>
public sealed record DatabaseFiles(string Directory)
{
    public static DatabaseFiles For(string? embeddedRoot, string connectionString, string contentRoot)
    {
        if (embeddedRoot is not null)
        {
            return new DatabaseFiles(Path.GetFullPath(embeddedRoot));
        }

        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        var name = string.Concat($"{csb.Host}_{csb.Port}_{csb.Database}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_'));
        return new DatabaseFiles(Path.Combine(LocalData.Directory(contentRoot), "databases", name));
    }
}

public sealed record PortalConnectionString(string Value);

public sealed class DatabaseOptions
{
    /// <summary>Apply pending migrations when a node starts (under the advisory lock). Default on.</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>Where the embedded cluster keeps its data; default <c>.data/postgres</c>.</summary>
    public string? EmbeddedDirectory { get; set; }

    public string EmbeddedDatabase { get; set; } = "portal";
}

/// <summary>
/// Checks the database at start-up, before the web server listens: reachable, and migrated (or migrating,
/// when <see cref="DatabaseOptions.MigrateOnStart"/>). Failing here stops the host with one clear line.
/// </summary>
public sealed class DatabaseStartup(
    NpgsqlDataSource dataSource,
    PortalConnectionString connectionString,
    Migrations migrations,
    Microsoft.Extensions.Options.IOptions<DatabaseOptions> options,
    ILogger<DatabaseStartup> logger)
{
    private volatile bool _migrated;

    /// <summary>Called by the host before it listens.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            {
                logger.LogInformation("Connected to PostgreSQL {Version} at {Host}:{Port}",
                    connection.PostgreSqlVersion, connection.Host, connection.Port);
            }

            if (options.Value.MigrateOnStart)
            {
                await MigrateAsync(cancellationToken);
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            var target = new NpgsqlConnectionStringBuilder(connectionString.Value);
            throw new PortalStartupException(
                $"Cannot use the PostgreSQL server at {target.Host}:{target.Port} (database '{target.Database}') " +
                $"set by {PortalDatabase.SettingName}: {e.Message}", e);
        }
    }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await migrations.ApplyAsync(connectionString.Value, logger, cancellationToken);
        _migrated = true;
    }

    /// <summary>Applies migrations (the <c>migrate</c> command), with the same clear failure as start-up.</summary>
    public Task MigrateOnlyAsync(CancellationToken cancellationToken)
    {
        options.Value.MigrateOnStart = true;
        return PrepareAsync(cancellationToken);
    }

    /// <summary>True once every embedded migration is in the journal (it never becomes false again).</summary>
    public async Task<bool> IsMigratedAsync(CancellationToken cancellationToken)
    {
        if (!_migrated)
        {
            _migrated = (await migrations.PendingAsync(dataSource, cancellationToken)).Count == 0;
        }

        return _migrated;
    }
}

/// <summary>Ready means: the database answers, and every migration this build embeds is applied.</summary>
internal sealed class DatabaseReadyCheck(NpgsqlDataSource dataSource, DatabaseStartup startup) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return await startup.IsMigratedAsync(cancellationToken)
                ? HealthCheckResult.Healthy("database reachable, migrations applied")
                : HealthCheckResult.Unhealthy("migrations pending");
        }
        catch (NpgsqlException e)
        {
            return HealthCheckResult.Unhealthy("database unreachable", e);
        }
    }
}
