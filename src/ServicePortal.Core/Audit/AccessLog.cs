using Dapper;
using Npgsql;

namespace ServicePortal.Core.Audit;

/// <summary>What staff did with a citizen's data (the access log's <c>action</c>).</summary>
public static class AccessAction
{
    /// <summary>A search that named this citizen (by NIN, phone, reference or ticket number).</summary>
    public const string Lookup = "lookup";

    /// <summary>The citizen's case screen was opened.</summary>
    public const string Case = "case";

    /// <summary>One application was opened.</summary>
    public const string Request = "request";

    /// <summary>One ticket was opened.</summary>
    public const string Ticket = "ticket";

    /// <summary>The citizen was in an exported list (CSV).</summary>
    public const string Export = "export";

    /// <summary>A step of assisted account recovery.</summary>
    public const string Recovery = "recovery";
}

/// <summary>
/// One staff access to a citizen's data.
/// </summary>
/// <param name="StaffRole">The role claim the staff member used (<c>helpdesk_agent</c>, <c>agency_officer:rita</c>).</param>
/// <param name="Subject">What was read: a ticket number, a portal reference, a queue's name.</param>
/// <param name="ReasonCategory">The stated reason's category, where one was asked for (a NIN lookup).</param>
/// <param name="Reason">The stated reason in the staff member's words.</param>
public sealed record AccessLogEntry(
    Guid CitizenAccountId,
    Guid StaffAccountId,
    string StaffRole,
    string Action,
    string Subject,
    string? ReasonCategory = null,
    string? Reason = null);

/// <summary>A row of the access log as read back.</summary>
public sealed record AccessLogRecord(
    long Id,
    DateTimeOffset At,
    Guid CitizenAccountId,
    Guid StaffAccountId,
    string StaffRole,
    string Action,
    string Subject,
    string? ReasonCategory,
    string? Reason);

/// <summary>
/// The access log (<c>portal.access_log</c>): append-only, written in the same transaction as the read it records, so
/// a read that happened is on record and a record never names a read that was rolled back. Every module that shows
/// staff a citizen's data writes here; the citizen reads it on "who viewed my data".
/// </summary>
public static class AccessLog
{
    /// <summary>Records one access, inside the caller's transaction.</summary>
    public static Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, AccessLogEntry entry,
        CancellationToken cancellationToken) =>
        RecordManyAsync(connection, transaction, [entry], cancellationToken);

    /// <summary>Records several accesses (an export names every citizen in it), inside the caller's transaction.</summary>
    public static async Task RecordManyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        IReadOnlyCollection<AccessLogEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO portal.access_log
                    (citizen_account_id, staff_account_id, staff_role, action, subject, reason_category, reason)
                VALUES (@CitizenAccountId, @StaffAccountId, @StaffRole, @Action, @Subject, @ReasonCategory, @Reason)
                """, entry, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>A citizen's access log, newest first.</summary>
    public static async Task<IReadOnlyList<AccessLogRecord>> ListForCitizenAsync(NpgsqlDataSource dataSource,
        Guid citizenAccountId, int limit, int offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AccessLogRecord>(new CommandDefinition(
            """
            SELECT id AS Id, at AS At, citizen_account_id AS CitizenAccountId, staff_account_id AS StaffAccountId,
                   staff_role AS StaffRole, action AS Action, subject AS Subject, reason_category AS ReasonCategory,
                   reason AS Reason
            FROM portal.access_log
            WHERE citizen_account_id = @citizenAccountId
            ORDER BY at DESC, id DESC
            LIMIT @limit OFFSET @offset
            """, new { citizenAccountId, limit, offset }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    /// <summary>How many accesses of <paramref name="action"/> one staff member made since <paramref name="since"/>.</summary>
    public static async Task<int> CountByStaffAsync(NpgsqlDataSource dataSource, Guid staffAccountId, string action,
        DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT count(*)::int FROM portal.access_log WHERE staff_account_id = @staffAccountId AND action = @action AND at >= @since",
            new { staffAccountId, action, since }, cancellationToken: cancellationToken));
    }
}
