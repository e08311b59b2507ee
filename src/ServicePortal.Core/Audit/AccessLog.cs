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

    /// <summary>
    /// Records several accesses (an export names every citizen in it), inside the caller's transaction, as the next
    /// links of today's chain. The day's head row is locked (upserted) first, so concurrent writers on any node take
    /// turns until the caller commits; a caller without a transaction gets one here for the append.
    /// </summary>
    public static async Task RecordManyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        IReadOnlyCollection<AccessLogEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        var own = transaction is null ? await connection.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            await AppendAsync(connection, transaction ?? own, entries, cancellationToken);
            if (own is not null)
            {
                await own.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    /// <summary>The chain's name in its genesis hash.</summary>
    internal const string Chain = "portal.access_log";

    private static async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        IReadOnlyCollection<AccessLogEntry> entries, CancellationToken cancellationToken)
    {
        DateOnly day;
        long seq;
        byte[] previous;
        DateTime at;
        await using (var head = new NpgsqlCommand(
                         """
                         WITH head AS (
                             INSERT INTO portal.access_log_chain AS h (day, last_seq, last_hash)
                             VALUES ((now() AT TIME ZONE 'UTC')::date, 0, NULL)
                             ON CONFLICT (day) DO UPDATE SET last_seq = h.last_seq
                             RETURNING day, last_seq, last_hash)
                         SELECT day, last_seq, last_hash, now() FROM head
                         """, connection, transaction))
        await using (var reader = await head.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            day = reader.GetFieldValue<DateOnly>(0);
            seq = reader.GetInt64(1);
            at = reader.GetDateTime(3);
            previous = reader.IsDBNull(2) ? AuditChain.Genesis(Chain, day) : reader.GetFieldValue<byte[]>(2);
        }

        var count = entries.Count;
        var seqs = new long[count];
        var prevs = new byte[count][];
        var hashes = new byte[count][];
        var i = 0;
        using var hasher = new AuditRecordHasher();
        foreach (var entry in entries)
        {
            seqs[i] = ++seq;
            prevs[i] = previous;
            previous = hashes[i] = Hash(hasher, previous, seq, at, entry.CitizenAccountId, entry.StaffAccountId,
                entry.StaffRole, entry.Action, entry.Subject, entry.ReasonCategory, entry.Reason);
            i++;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            WITH appended AS (
                INSERT INTO portal.access_log
                    (at, citizen_account_id, staff_account_id, staff_role, action, subject, reason_category, reason,
                     chain_day, chain_seq, prev_hash, hash)
                SELECT @at, c, s, r, a, sub, rc, re, CAST(@day AS date), q, p, h
                FROM unnest(@citizens, @staff, @roles, @actions, @subjects, @categories, @reasons, @seqs, @prevs, @hashes)
                    AS u(c, s, r, a, sub, rc, re, q, p, h)
                RETURNING 1)
            UPDATE portal.access_log_chain SET last_seq = @seq, last_hash = @previous
            WHERE day = CAST(@day AS date) AND EXISTS (SELECT FROM appended)
            """,
            new
            {
                at,
                day = day.ToDateTime(TimeOnly.MinValue),
                citizens = entries.Select(e => e.CitizenAccountId).ToArray(),
                staff = entries.Select(e => e.StaffAccountId).ToArray(),
                roles = entries.Select(e => e.StaffRole).ToArray(),
                actions = entries.Select(e => e.Action).ToArray(),
                subjects = entries.Select(e => e.Subject).ToArray(),
                categories = entries.Select(e => e.ReasonCategory).ToArray(),
                reasons = entries.Select(e => e.Reason).ToArray(),
                seqs,
                prevs,
                hashes,
                seq,
                previous,
            }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>One row's link: its place, time and every field a person reads.</summary>
    internal static byte[] Hash(AuditRecordHasher hasher, byte[] previous, long seq, DateTimeOffset at, Guid citizen,
        Guid staff, string role, string action, string subject, string? reasonCategory, string? reason) =>
        hasher.Begin(previous).Add(seq).Add(at).Add(citizen).Add(staff).Add(role).Add(action).Add(subject)
            .Add(reasonCategory).Add(reason).Finish();

    /// <summary>A citizen's access log, newest first.</summary>
    public static async Task<IReadOnlyList<AccessLogRecord>> ListForCitizenAsync(NpgsqlDataSource dataSource,
        Guid citizenAccountId, int limit, int offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Read as DateTime (Npgsql's timestamptz, UTC) and made a DateTimeOffset here: Dapper cannot construct the
        // record from the reader's DateTime.
        var rows = await connection.QueryAsync<(long Id, DateTime At, Guid CitizenAccountId, Guid StaffAccountId, string StaffRole,
            string Action, string Subject, string? ReasonCategory, string? Reason)>(new CommandDefinition(
            """
            SELECT id AS Id, at AS At, citizen_account_id AS CitizenAccountId, staff_account_id AS StaffAccountId,
                   staff_role AS StaffRole, action AS Action, subject AS Subject, reason_category AS ReasonCategory,
                   reason AS Reason
            FROM portal.access_log
            WHERE citizen_account_id = @citizenAccountId
            ORDER BY at DESC, id DESC
            LIMIT @limit OFFSET @offset
            """, new { citizenAccountId, limit, offset }, cancellationToken: cancellationToken));
        return
        [
            .. rows.Select(r => new AccessLogRecord(r.Id, new DateTimeOffset(DateTime.SpecifyKind(r.At, DateTimeKind.Utc)), r.CitizenAccountId,
                r.StaffAccountId, r.StaffRole, r.Action, r.Subject, r.ReasonCategory, r.Reason)),
        ];
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
