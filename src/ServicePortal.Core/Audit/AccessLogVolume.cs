using Dapper;
using Npgsql;

namespace ServicePortal.Core.Audit;

/// <summary>One staff member's volume of one kind of access in a window.</summary>
public sealed record StaffAccessVolume(Guid StaffAccountId, int Count);

/// <summary>Unusual volume in the access log, for supervisors (e.g. many NIN lookups in an hour).</summary>
public static class AccessLogVolume
{
    /// <summary>
    /// Staff who made at least <paramref name="threshold"/> accesses of <paramref name="action"/> since
    /// <paramref name="since"/>; <paramref name="withReasonOnly"/>: only those that stated a reason (a NIN lookup states one).
    /// </summary>
    public static async Task<IReadOnlyList<StaffAccessVolume>> ListAtLeastAsync(NpgsqlDataSource dataSource, string action, bool withReasonOnly,
        DateTimeOffset since, int threshold, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<StaffAccessVolume>(new CommandDefinition(
            """
            SELECT staff_account_id AS StaffAccountId, count(*)::int AS Count FROM portal.access_log
            WHERE action = @action AND at >= @since AND (NOT @withReasonOnly OR reason_category IS NOT NULL)
            GROUP BY staff_account_id HAVING count(*) >= @threshold ORDER BY 2 DESC LIMIT 50
            """, new { action, since, withReasonOnly, threshold }, cancellationToken: cancellationToken));
        return [.. rows];
    }
}
