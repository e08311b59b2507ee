using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Messaging;

namespace ServicePortal.Helpdesk.Tickets;

/// <summary>A new ticket, as the open-ticket page hands it over (already validated).</summary>
/// <param name="EscalateTo">An agency the ticket goes to at once (a complaint about one of its applications), or null.</param>
internal sealed record NewTicket(Guid AccountId, string Category, string Body, string? RequestReference, string Language, string IdempotencyKey,
    string? EscalateTo = null);

/// <summary>A ticket. Times are UTC.</summary>
internal sealed record Ticket(
    long Id, string Number, Guid AccountId, string Category, string? RequestReference, string Status, string Priority,
    string Language, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>One message of a ticket's conversation. <see cref="Author"/> is <c>citizen</c> or <c>staff</c>.</summary>
internal sealed record TicketMessage(long Id, string Author, Guid AuthorAccountId, string Body, bool Internal, DateTime CreatedAt, string? AgencyCode)
{
    public const string Citizen = "citizen";
    public const string Staff = "staff";
}

/// <summary>What opening a ticket came to.</summary>
internal abstract record TicketOpening
{
    private TicketOpening()
    {
    }

    /// <param name="Created">False when this form (its one-time token) had already opened it.</param>
    public sealed record Opened(Ticket Ticket, bool Created) : TicketOpening;

    /// <summary>The citizen has opened as many tickets as a day allows; the next one may be opened from <paramref name="Until"/>.</summary>
    public sealed record TooMany(DateTimeOffset Until) : TicketOpening;
}

/// <summary>What adding a message to a ticket came to.</summary>
internal abstract record TicketReply
{
    private TicketReply()
    {
    }

    public sealed record Added(Ticket Ticket) : TicketReply;

    /// <summary>No such ticket, or (for a citizen) not theirs: one answer, 404.</summary>
    public sealed record NotFound : TicketReply;

    /// <summary>The ticket is closed; a new question is a new ticket.</summary>
    public sealed record Closed : TicketReply;

    /// <summary>The author has written as many replies as a day allows.</summary>
    public sealed record TooMany(DateTimeOffset Until) : TicketReply;
}

/// <summary>
/// Every read and write of <c>helpdesk.tickets</c> and its conversation. A citizen reads and writes only their own
/// tickets (every citizen method takes the account and filters by it), never an internal note. Opening a ticket is
/// idempotent per citizen and form token and limited per day (<see cref="HelpdeskOptions.TicketsPerDay"/>), counted in
/// the same transaction under a per-account lock, so two nodes at once cannot pass the limit. A staff reply writes the
/// reply, the ticket's new status and the citizen's SMS (and e-mail) notice in one transaction: a notice exists
/// exactly when the reply does.
/// </summary>
internal sealed class TicketStore(NpgsqlDataSource dataSource, ICitizenDirectory citizens, IOptions<HelpdeskOptions> options)
{
    private const string TicketColumns =
        """
        id AS Id, number AS Number, account_id AS AccountId, category AS Category, request_reference AS RequestReference,
        status AS Status, priority AS Priority, language AS Language, created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    private const string MessageColumns =
        "id AS Id, author AS Author, author_account_id AS AuthorAccountId, body AS Body, internal AS Internal, created_at AS CreatedAt, agency_code AS AgencyCode";

    public async Task<TicketOpening> OpenAsync(NewTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        CheckBody(ticket.Body);
        for (var attempt = 0; ; attempt++)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            try
            {
                await LockAccountAsync(connection, transaction, ticket.AccountId, cancellationToken);
                var existing = await connection.QuerySingleOrDefaultAsync<Ticket>(new CommandDefinition(
                    $"SELECT {TicketColumns} FROM helpdesk.tickets WHERE account_id = @AccountId AND idempotency_key = @IdempotencyKey",
                    ticket, transaction, cancellationToken: cancellationToken));
                if (existing is not null)
                {
                    await transaction.CommitAsync(cancellationToken);
                    return new TicketOpening.Opened(existing, false);
                }

                // The limit's window slides: the next ticket may be opened a day after the oldest of the last TicketsPerDay.
                var limit = options.Value.TicketsPerDay;
                var until = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
                    """
                    SELECT CASE WHEN count(*) >= @limit THEN min(created_at) + interval '1 day' END
                    FROM (SELECT created_at FROM helpdesk.tickets
                          WHERE account_id = @accountId AND created_at > now() - interval '1 day'
                          ORDER BY created_at DESC LIMIT @limit) recent
                    """, new { limit, accountId = ticket.AccountId }, transaction, cancellationToken: cancellationToken));
                if (until is { } next)
                {
                    await transaction.RollbackAsync(cancellationToken);
                    return new TicketOpening.TooMany(new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)));
                }

                var created = await connection.QuerySingleAsync<Ticket>(new CommandDefinition(
                    $"""
                    INSERT INTO helpdesk.tickets (number, account_id, category, request_reference, language, idempotency_key,
                                                  status, escalated_agency, escalated_at)
                    VALUES (@number, @AccountId, @Category, @RequestReference, @Language, @IdempotencyKey,
                            CASE WHEN @EscalateTo::text IS NULL THEN 'open' ELSE 'escalated' END, @EscalateTo,
                            CASE WHEN @EscalateTo::text IS NULL THEN NULL ELSE now() END)
                    RETURNING {TicketColumns}
                    """,
                    new
                    {
                        number = TicketNumber.New(), ticket.AccountId, ticket.Category, ticket.RequestReference, ticket.Language,
                        ticket.IdempotencyKey, ticket.EscalateTo,
                    }, transaction, cancellationToken: cancellationToken));
                await InsertMessageAsync(connection, transaction, created.Id, TicketMessage.Citizen, ticket.AccountId, ticket.Body, false,
                    cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new TicketOpening.Opened(created, true);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation &&
                                              e.ConstraintName == "tickets_number_key" && attempt < 3)
            {
                // 2⁴⁰ numbers: a collision is rare; draw another.
            }
        }
    }

    /// <summary>The citizen's own ticket by number (as typed); null for anyone else's (404, not 403).</summary>
    public async Task<Ticket?> FindForCitizenAsync(Guid accountId, string number, CancellationToken cancellationToken)
    {
        if (!TicketNumber.TryParse(number, out var canonical))
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Ticket>(new CommandDefinition(
            $"SELECT {TicketColumns} FROM helpdesk.tickets WHERE account_id = @accountId AND number = @canonical",
            new { accountId, canonical }, cancellationToken: cancellationToken));
    }

    /// <summary>A ticket by number, whoever's it is: for staff tools only.</summary>
    public async Task<Ticket?> FindAsync(string number, CancellationToken cancellationToken)
    {
        if (!TicketNumber.TryParse(number, out var canonical))
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Ticket>(new CommandDefinition(
            $"SELECT {TicketColumns} FROM helpdesk.tickets WHERE number = @canonical", new { canonical }, cancellationToken: cancellationToken));
    }

    /// <summary>The citizen's tickets, most recently changed first.</summary>
    public async Task<(IReadOnlyList<Ticket> Items, long Total)> ListForCitizenAsync(Guid accountId, int page, int pageSize,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var items = await connection.QueryAsync<Ticket>(new CommandDefinition(
            $"""
            SELECT {TicketColumns} FROM helpdesk.tickets WHERE account_id = @accountId
            ORDER BY updated_at DESC, id DESC LIMIT @pageSize OFFSET @offset
            """, new { accountId, pageSize, offset = (page - 1) * pageSize }, cancellationToken: cancellationToken));
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM helpdesk.tickets WHERE account_id = @accountId", new { accountId }, cancellationToken: cancellationToken));
        return ([.. items], total);
    }

    /// <summary>The conversation, oldest first: the public messages only (what the citizen reads), or with internal notes (staff).</summary>
    public async Task<IReadOnlyList<TicketMessage>> ListMessagesAsync(long ticketId, bool includeInternal, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var messages = await connection.QueryAsync<TicketMessage>(new CommandDefinition(
            $"SELECT {MessageColumns} FROM helpdesk.ticket_messages WHERE ticket_id = @ticketId AND (@includeInternal OR NOT internal) ORDER BY id",
            new { ticketId, includeInternal }, cancellationToken: cancellationToken));
        return [.. messages];
    }

    /// <summary>
    /// The citizen's reply on their own ticket. A ticket that waited for them, or was resolved, goes back to the
    /// helpdesk (open); an escalated one stays with the agency; a closed one takes no more replies.
    /// </summary>
    public async Task<TicketReply> AddCitizenReplyAsync(Guid accountId, string number, string body, CancellationToken cancellationToken)
    {
        CheckBody(body);
        if (!TicketNumber.TryParse(number, out var canonical))
        {
            return new TicketReply.NotFound();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ticket = await connection.QuerySingleOrDefaultAsync<Ticket>(new CommandDefinition(
            $"SELECT {TicketColumns} FROM helpdesk.tickets WHERE account_id = @accountId AND number = @canonical FOR UPDATE",
            new { accountId, canonical }, transaction, cancellationToken: cancellationToken));
        if (ticket is null)
        {
            return new TicketReply.NotFound();
        }

        if (ticket.Status == TicketStatus.Closed)
        {
            return new TicketReply.Closed();
        }

        if (await RepliesExceededAsync(connection, transaction, accountId, cancellationToken) is { } until)
        {
            return new TicketReply.TooMany(until);
        }

        await InsertMessageAsync(connection, transaction, ticket.Id, TicketMessage.Citizen, accountId, body, false, cancellationToken);
        var updated = await connection.QuerySingleAsync<Ticket>(new CommandDefinition(
            $"""
            UPDATE helpdesk.tickets
            SET status = CASE WHEN status IN ('waiting_for_citizen', 'resolved') THEN 'open' ELSE status END, updated_at = now()
            WHERE id = @Id RETURNING {TicketColumns}
            """, ticket, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new TicketReply.Added(updated);
    }

    /// <summary>
    /// A staff member's public reply: the reply, the ticket's new status (<paramref name="status"/>, by default waiting
    /// for the citizen) and the citizen's notice (SMS, and e-mail when they gave an address, in their language) in one
    /// transaction. The notice says a reply is waiting, not what it says: an SMS may be read by anyone holding the phone.
    /// </summary>
    /// <param name="agency">An answer on behalf of an agency (its officer or its system): the ticket must be escalated to
    /// that agency (else not found), and the message records the agency.</param>
    public async Task<TicketReply> AddStaffReplyAsync(string number, Guid staffAccountId, string body, CancellationToken cancellationToken,
        string status = TicketStatus.WaitingForCitizen, string? agency = null)
    {
        CheckBody(body);
        if (!TicketStatus.All.Contains(status))
        {
            throw new ArgumentException($"'{status}' is not a ticket status.", nameof(status));
        }

        if (await FindAsync(number, cancellationToken) is not { } found)
        {
            return new TicketReply.NotFound();
        }

        var contacts = await citizens.ContactsAsync([found.AccountId], cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ticket = await connection.QuerySingleAsync<Ticket>(new CommandDefinition(
            $"SELECT {TicketColumns} FROM helpdesk.tickets WHERE id = @Id FOR UPDATE", found, transaction, cancellationToken: cancellationToken));
        if (agency is not null && await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT escalated_agency FROM helpdesk.tickets WHERE id = @Id AND status = 'escalated'", ticket, transaction,
                cancellationToken: cancellationToken)) != agency)
        {
            return new TicketReply.NotFound();
        }

        if (ticket.Status == TicketStatus.Closed)
        {
            return new TicketReply.Closed();
        }

        await InsertMessageAsync(connection, transaction, ticket.Id, TicketMessage.Staff, staffAccountId, body, false, cancellationToken, agency);
        // The first public answer stops the first-response clock; resolving stops the resolution clock (the first time).
        var updated = await connection.QuerySingleAsync<Ticket>(new CommandDefinition(
            $"""
            UPDATE helpdesk.tickets
            SET status = @status, updated_at = now(), first_response_at = coalesce(first_response_at, now()),
                resolved_at = CASE WHEN @status IN ('resolved', 'closed') THEN coalesce(resolved_at, now()) ELSE resolved_at END
            WHERE id = @id RETURNING {TicketColumns}
            """,
            new { status, id = ticket.Id }, transaction, cancellationToken: cancellationToken));
        if (contacts.TryGetValue(ticket.AccountId, out var contact))
        {
            await Outbox.EnqueueManyAsync(connection, transaction, TicketNotices.Reply(contact, ticket.Number), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new TicketReply.Added(updated);
    }

    /// <summary>A staff note on the ticket, for staff only: the citizen never sees it and is not told.</summary>
    public async Task<TicketReply> AddInternalNoteAsync(string number, Guid staffAccountId, string body, CancellationToken cancellationToken)
    {
        CheckBody(body);
        if (await FindAsync(number, cancellationToken) is not { } ticket)
        {
            return new TicketReply.NotFound();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await InsertMessageAsync(connection, transaction, ticket.Id, TicketMessage.Staff, staffAccountId, body, true, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new TicketReply.Added(ticket);
    }

    private static void CheckBody(string body)
    {
        if (body is null || body != TicketText.Normalise(body) || !TicketText.IsValid(body))
        {
            throw new ArgumentException("A ticket's text is normalised and 1 to 2,000 characters long (validate it first).", nameof(body));
        }
    }

    // One citizen's openings (and replies) counted one at a time, across every node: a transaction-scoped advisory lock.
    private static Task LockAccountAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid accountId,
        CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(hashtextextended('helpdesk.tickets:' || @accountId::text, 0))",
            new { accountId }, transaction, cancellationToken: cancellationToken));

    private async Task<DateTimeOffset?> RepliesExceededAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid accountId,
        CancellationToken cancellationToken)
    {
        await LockAccountAsync(connection, transaction, accountId, cancellationToken);
        var until = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            """
            SELECT CASE WHEN count(*) >= @limit THEN min(created_at) + interval '1 day' END
            FROM (SELECT created_at FROM helpdesk.ticket_messages
                  WHERE author_account_id = @accountId AND author = 'citizen' AND created_at > now() - interval '1 day'
                  ORDER BY created_at DESC LIMIT @limit) recent
            """, new { limit = options.Value.RepliesPerDay, accountId }, transaction, cancellationToken: cancellationToken));
        return until is { } next ? new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)) : null;
    }

    private static Task InsertMessageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long ticketId, string author,
        Guid authorAccountId, string body, bool isInternal, CancellationToken cancellationToken, string? agency = null) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO helpdesk.ticket_messages (ticket_id, author, author_account_id, body, internal, agency_code)
            VALUES (@ticketId, @author, @authorAccountId, @body, @isInternal, @agency)
            """, new { ticketId, author, authorAccountId, body, isInternal, agency }, transaction, cancellationToken: cancellationToken));
}
