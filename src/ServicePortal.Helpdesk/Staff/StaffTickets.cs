using Dapper;
using Npgsql;
using ServicePortal.Core.Audit;
using ServicePortal.Helpdesk.Tickets;

namespace ServicePortal.Helpdesk.Staff;

/// <summary>Who is acting: the staff account and the role claim they act in (<c>helpdesk_agent</c>, <c>agency_officer:rita</c>).</summary>
internal sealed record StaffActor(Guid AccountId, string Role)
{
    public AccessLogEntry Access(Guid citizen, string action, string subject, string? reasonCategory = null, string? reason = null) =>
        new(citizen, AccountId, Role, action, subject, reasonCategory, reason);
}

/// <summary>A ticket as staff see it: the citizen's ticket and the staff side (assignee, escalation, SLA moments). Times UTC.</summary>
internal sealed record StaffTicket(
    long Id, string Number, Guid AccountId, string Category, string? RequestReference, string Status, string Priority,
    string Language, DateTime CreatedAt, DateTime UpdatedAt, Guid? AssigneeAccountId, string? EscalatedAgency, DateTime? EscalatedAt,
    DateTime? FirstResponseAt, DateTime? ResolvedAt)
{
    public bool IsOpen => Status is not (TicketStatus.Resolved or TicketStatus.Closed);

    public static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));

    public static DateTimeOffset? Utc(DateTime? at) => at is { } a ? Utc(a) : null;
}

/// <summary>The staff queues.</summary>
internal static class Queue
{
    public const string Unassigned = "unassigned";
    public const string Mine = "mine";
    public const string Breaching = "breaching";
    public const string Escalated = "escalated";

    public static IReadOnlyList<string> All { get; } = [Unassigned, Mine, Breaching, Escalated];

    public static string Describe(string queue) => queue switch
    {
        Unassigned => Core.Localization.Lang.T("Hazijagawiwa", "Unassigned"),
        Mine => Core.Localization.Lang.T("Zangu", "Mine"),
        Breaching => Core.Localization.Lang.T("Zinazopita muda (SLA)", "Breaching SLA"),
        Escalated => Core.Localization.Lang.T("Ziko kwa taasisi", "With the agency"),
        _ => queue,
    };
}

/// <summary>What a staff change to a ticket came to.</summary>
internal enum StaffChange
{
    Done,
    NotFound,
    Refused,
}

/// <summary>
/// The staff side of <c>helpdesk.tickets</c>: reads that record themselves in the access log in the same transaction
/// (a read shown is on record, a record never names a read that was rolled back), the queues, and the changes staff
/// make (take or assign, status, priority, escalation). Changes need no access-log row of their own: the staff member
/// had to open the ticket first, which wrote one.
/// </summary>
internal sealed class StaffTickets(NpgsqlDataSource dataSource)
{
    public const string Columns =
        """
        id AS Id, number AS Number, account_id AS AccountId, category AS Category, request_reference AS RequestReference,
        status AS Status, priority AS Priority, language AS Language, created_at AS CreatedAt, updated_at AS UpdatedAt,
        assignee_account_id AS AssigneeAccountId, escalated_agency AS EscalatedAgency, escalated_at AS EscalatedAt,
        first_response_at AS FirstResponseAt, resolved_at AS ResolvedAt
        """;

    private const string MessageColumns =
        "id AS Id, author AS Author, author_account_id AS AuthorAccountId, body AS Body, internal AS Internal, created_at AS CreatedAt, agency_code AS AgencyCode";

    /// <summary>
    /// The ticket and its whole conversation (internal notes too), read and logged (<c>ticket</c>) in one transaction.
    /// <paramref name="agency"/>: an agency officer's read, only of a ticket escalated to that agency (else null, as not found).
    /// </summary>
    public async Task<(StaffTicket Ticket, IReadOnlyList<TicketMessage> Messages)?> OpenAsync(string number, StaffActor actor, string? agency,
        bool includeInternal, CancellationToken cancellationToken)
    {
        if (!TicketNumber.TryParse(number, out var canonical))
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ticket = await connection.QuerySingleOrDefaultAsync<StaffTicket>(new CommandDefinition(
            $"SELECT {Columns} FROM helpdesk.tickets WHERE number = @canonical AND (@agency::text IS NULL OR escalated_agency = @agency)",
            new { canonical, agency }, transaction, cancellationToken: cancellationToken));
        if (ticket is null)
        {
            return null;
        }

        var messages = await connection.QueryAsync<TicketMessage>(new CommandDefinition(
            $"SELECT {MessageColumns} FROM helpdesk.ticket_messages WHERE ticket_id = @Id AND (@includeInternal OR NOT internal) ORDER BY id",
            new { ticket.Id, includeInternal }, transaction, cancellationToken: cancellationToken));
        await AccessLog.RecordAsync(connection, transaction, actor.Access(ticket.AccountId, AccessAction.Ticket, ticket.Number), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (ticket, [.. messages]);
    }

    /// <summary>A ticket by number without logging: to learn whose it is before a logged read (the find), or for a change.</summary>
    public async Task<StaffTicket?> FindAsync(string number, CancellationToken cancellationToken)
    {
        if (!TicketNumber.TryParse(number, out var canonical))
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<StaffTicket>(new CommandDefinition(
            $"SELECT {Columns} FROM helpdesk.tickets WHERE number = @canonical", new { canonical }, cancellationToken: cancellationToken));
    }

    /// <summary>A citizen's tickets, newest first, read in the caller's transaction (the case screen logs its read).</summary>
    public static async Task<IReadOnlyList<StaffTicket>> ListForCitizenAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        Guid accountId, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<StaffTicket>(new CommandDefinition(
            $"SELECT {Columns} FROM helpdesk.tickets WHERE account_id = @accountId ORDER BY created_at DESC LIMIT 100",
            new { accountId }, transaction, cancellationToken: cancellationToken));
        return [.. rows];
    }

    /// <summary>
    /// The open tickets of a queue, oldest first (the longest waiting on top). Breaching needs the clocks, so the open
    /// tickets are read (at most <paramref name="limit"/> × 4) and filtered by the caller.
    /// </summary>
    public async Task<IReadOnlyList<StaffTicket>> ListQueueAsync(string queue, Guid staffAccountId, int limit, CancellationToken cancellationToken)
    {
        var where = queue switch
        {
            Queue.Unassigned => "assignee_account_id IS NULL AND status IN ('open', 'waiting_for_citizen')",
            Queue.Mine => "assignee_account_id = @staffAccountId AND status NOT IN ('resolved', 'closed')",
            Queue.Escalated => "status = 'escalated'",
            _ => "status NOT IN ('resolved', 'closed')",
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<StaffTicket>(new CommandDefinition(
            $"SELECT {Columns} FROM helpdesk.tickets WHERE {where} ORDER BY created_at, id LIMIT @limit",
            new { staffAccountId, limit = queue == Queue.Breaching ? limit * 4 : limit }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    /// <summary>Open tickets by status, and escalated ones by agency (the queues page's counts).</summary>
    public async Task<(IReadOnlyList<(string Status, long Count)> ByStatus, IReadOnlyList<(string Agency, long Count)> ByAgency)> CountsAsync(
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var byStatus = await connection.QueryAsync<(string, long)>(new CommandDefinition(
            "SELECT status, count(*) FROM helpdesk.tickets GROUP BY status ORDER BY status", cancellationToken: cancellationToken));
        var byAgency = await connection.QueryAsync<(string, long)>(new CommandDefinition(
            "SELECT escalated_agency, count(*) FROM helpdesk.tickets WHERE status = 'escalated' GROUP BY escalated_agency ORDER BY 2 DESC, 1",
            cancellationToken: cancellationToken));
        return ([.. byStatus], [.. byAgency]);
    }

    /// <summary>Take (<paramref name="assignee"/> = the actor) or give a ticket, or put it back (null).</summary>
    public Task<StaffChange> AssignAsync(string number, Guid? assignee, CancellationToken cancellationToken) =>
        UpdateAsync(number, "assignee_account_id = @value::uuid", assignee, cancellationToken);

    public Task<StaffChange> SetPriorityAsync(string number, string priority, CancellationToken cancellationToken) =>
        TicketPriority.All.Contains(priority)
            ? UpdateAsync(number, "priority = @value", priority, cancellationToken)
            : Task.FromResult(StaffChange.Refused);

    /// <summary>
    /// Staff set the status (escalation has its own verb: it needs an agency). Resolving stops the resolution clock the
    /// first time; a closed ticket stays closed.
    /// </summary>
    public Task<StaffChange> SetStatusAsync(string number, string status, CancellationToken cancellationToken) =>
        status is TicketStatus.Open or TicketStatus.WaitingForCitizen or TicketStatus.Resolved or TicketStatus.Closed
            ? UpdateAsync(number,
                """
                status = @value,
                resolved_at = CASE WHEN @value IN ('resolved', 'closed') THEN coalesce(resolved_at, now()) ELSE resolved_at END
                """, status, cancellationToken, "status <> 'closed'")
            : Task.FromResult(StaffChange.Refused);

    /// <summary>Passes the ticket to an agency (its officers' queue and their system's API); a closed ticket cannot be.</summary>
    public Task<StaffChange> EscalateAsync(string number, string agency, CancellationToken cancellationToken) =>
        AgencyCode.IsValid(agency)
            ? UpdateAsync(number, "status = 'escalated', escalated_agency = @value, escalated_at = now()", agency, cancellationToken,
                "status <> 'closed'")
            : Task.FromResult(StaffChange.Refused);

    /// <summary>Escalated tickets of one agency, the longest waiting first (the officer's page and the agency API).</summary>
    public async Task<IReadOnlyList<StaffTicket>> ListForAgencyAsync(string agency, bool escalatedOnly, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<StaffTicket>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM helpdesk.tickets
            WHERE escalated_agency = @agency AND (NOT @escalatedOnly OR status = 'escalated')
            ORDER BY (status = 'escalated') DESC, escalated_at, id LIMIT @limit
            """, new { agency, escalatedOnly, limit }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    private async Task<StaffChange> UpdateAsync(string number, string set, object? value, CancellationToken cancellationToken, string condition = "true")
    {
        if (!TicketNumber.TryParse(number, out var canonical))
        {
            return StaffChange.NotFound;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM helpdesk.tickets WHERE number = @canonical)", new { canonical }, cancellationToken: cancellationToken));
        if (!exists)
        {
            return StaffChange.NotFound;
        }

        var changed = await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE helpdesk.tickets SET {set}, updated_at = now() WHERE number = @canonical AND {condition}",
            new { canonical, value }, cancellationToken: cancellationToken));
        return changed == 1 ? StaffChange.Done : StaffChange.Refused;
    }
}

/// <summary>An agency's code as the catalogue writes it (<c>rita</c>, <c>brela</c>).</summary>
internal static partial class AgencyCode
{
    public static bool IsValid(string? code) => code is not null && Pattern().IsMatch(code);

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,49}$")]
    private static partial System.Text.RegularExpressions.Regex Pattern();
}
