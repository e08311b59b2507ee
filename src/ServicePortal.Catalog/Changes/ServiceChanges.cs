using Dapper;
using Npgsql;

namespace ServicePortal.Catalog.Changes;

/// <summary>
/// Changes to services, each written with its history row (who, when, before, after) in one transaction.
/// The onboarding API and the approval pages (next) go through here; so does the demo seeder.
/// </summary>
public sealed class ServiceChanges(NpgsqlDataSource dataSource)
{
    public static readonly IReadOnlySet<string> Statuses =
        new HashSet<string>(["draft", "awaiting_approval", "published", "retired"], StringComparer.Ordinal);

    /// <summary>Moves a service to another status. False when there is no service by that code.</summary>
    public async Task<bool> ChangeStatusAsync(string code, string status, string changedBy, string change, string? reason,
        CancellationToken cancellationToken)
    {
        if (!Statuses.Contains(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "not a service status");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var current = await connection.QuerySingleOrDefaultAsync<(long Id, string Before)?>(new CommandDefinition("""
            SELECT id, catalog.service_snapshot(id)::text FROM catalog.services WHERE code = @code FOR UPDATE
            """, new { code }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (current is not { } found)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE catalog.services
               SET status = @status, updated_at = now(), version = version + 1,
                   published_at = CASE WHEN @status = 'published' THEN now() ELSE published_at END
             WHERE id = @id
            """, new { id = found.Id, status }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await RecordAsync(connection, transaction, [found.Id], changedBy, change, reason, found.Before, cancellationToken)
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Writes the history row of services just changed in <paramref name="transaction"/>: the snapshot taken
    /// before the change (null for a new service) and the one after it.
    /// </summary>
    internal static Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long[] serviceIds,
        string changedBy, string change, string? reason, string? before, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO catalog.service_history (service_id, changed_by, change, reason, before, after)
            SELECT id, @changedBy, @change, @reason, @before::jsonb, catalog.service_snapshot(id)
              FROM unnest(@serviceIds) AS id
            """, new { serviceIds, changedBy, change, reason, before }, transaction, cancellationToken: cancellationToken));
}
