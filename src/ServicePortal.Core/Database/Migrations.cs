using System.Reflection;
using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using DbUp.Engine.Transactions;
using Microsoft.Extensions.Logging;
using Npgsql;
using ServicePortal.Core.Hosting;

namespace ServicePortal.Core.Database;

/// <summary>
/// Forward-only schema migrations. Each module embeds its own scripts under <c>Migrations/</c>, named
/// <c>yyyyMMdd_HHmm_module_what.sql</c>; the name is the journal key and the date orders scripts across
/// modules. DbUp applies what the journal <c>portal.schema_migrations</c> lacks, one transaction per script,
/// while this node holds a PostgreSQL advisory lock, so nodes starting together migrate once, in turn.
/// </summary>
public sealed class Migrations(IEnumerable<Assembly> assemblies)
{
    // An arbitrary constant shared by every node: "SPMIGRAT" in ASCII.
    private const long AdvisoryLockKey = 0x5350_4D49_4752_4154;

    public IReadOnlyList<SqlScript> Scripts { get; } = Discover(assemblies);

    /// <summary>Applies the scripts not yet applied. Safe to call from several nodes at once.</summary>
    public async Task ApplyAsync(string connectionString, ILogger logger, CancellationToken cancellationToken = default)
    {
        await using var lockConnection = new NpgsqlConnection(connectionString);
        await lockConnection.OpenAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock($1)", lockConnection))
        {
            take.Parameters.Add(new NpgsqlParameter { Value = AdvisoryLockKey });
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            // DbUp creates its journal table, not the schema that holds it.
            await using (var schema = new NpgsqlCommand("CREATE SCHEMA IF NOT EXISTS portal", lockConnection))
            {
                await schema.ExecuteNonQueryAsync(cancellationToken);
            }

            var result = Engine(connectionString, new UpgradeLog(logger)).PerformUpgrade();
            if (!result.Successful)
            {
                throw new PortalStartupException(
                    $"Migration '{result.ErrorScript?.Name}' failed: {result.Error?.Message}", result.Error);
            }

            foreach (var script in result.Scripts)
            {
                logger.LogInformation("Applied migration {Script}", script.Name);
            }
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", lockConnection);
            release.Parameters.Add(new NpgsqlParameter { Value = AdvisoryLockKey });
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>The names of the scripts the database has not applied yet.</summary>
    public async Task<IReadOnlyList<string>> PendingAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT scriptname FROM portal.schema_migrations");
        var applied = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            // No journal yet: nothing is applied.
        }

        return [.. Scripts.Select(s => s.Name).Where(name => !applied.Contains(name))];
    }

    private UpgradeEngine Engine(string connectionString, IUpgradeLog log) =>
        DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScripts(new ScriptList(Scripts))
            .JournalToPostgresqlTable("portal", "schema_migrations")
            .WithTransactionPerScript()
            .WithVariablesDisabled()
            .LogTo(log)
            .Build();

    private static List<SqlScript> Discover(IEnumerable<Assembly> assemblies)
    {
        var scripts = new List<SqlScript>();
        foreach (var assembly in assemblies.Distinct())
        {
            foreach (var resource in assembly.GetManifestResourceNames())
            {
                const string marker = ".Migrations.";
                var at = resource.IndexOf(marker, StringComparison.Ordinal);
                if (at < 0 || !resource.EndsWith(".sql", StringComparison.Ordinal))
                {
                    continue;
                }

                using var stream = assembly.GetManifestResourceStream(resource)!;
                using var reader = new StreamReader(stream);
                scripts.Add(new SqlScript(resource[(at + marker.Length)..], reader.ReadToEnd()));
            }
        }

        var duplicate = scripts.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two modules embed a migration named '{duplicate.Key}'.");
        }

        scripts.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return scripts;
    }

    private sealed class ScriptList(IReadOnlyList<SqlScript> scripts) : IScriptProvider
    {
        public IEnumerable<SqlScript> GetScripts(IConnectionManager connectionManager) => scripts;
    }

    private sealed class UpgradeLog(ILogger logger) : IUpgradeLog
    {
#pragma warning disable CA2254 // DbUp hands us composite format strings.
        public void LogTrace(string format, params object[] args) => logger.LogTrace(format, args);
        public void LogDebug(string format, params object[] args) => logger.LogDebug(format, args);
        // DbUp narrates every step; the runner reports what was applied, so the narration is debug detail.
        public void LogInformation(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogWarning(string format, params object[] args) => logger.LogWarning(format, args);
        public void LogError(string format, params object[] args) => logger.LogError(format, args);
        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, format, args);
#pragma warning restore CA2254
    }
}
