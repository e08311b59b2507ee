using Dapper;
using Npgsql;
using ServicePortal.Core.Audit;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Messaging;
using ServicePortal.Core.Requests;

namespace ServicePortal.Helpdesk.Staff;

/// <summary>An internal note on one of the citizen's tickets.</summary>
internal sealed record CaseNote(string TicketNumber, Guid AuthorAccountId, string Body, DateTime CreatedAt);

/// <summary>Everything the case screen shows about one citizen.</summary>
internal sealed record CitizenCase(
    CitizenAccount Account,
    IReadOnlyList<CitizenApplicationHistory> Applications,
    IReadOnlyList<SentNotice> Notices,
    IReadOnlyList<StaffTicket> Tickets,
    IReadOnlyList<CaseNote> Notes);

/// <summary>
/// One citizen's case for the helpdesk: the account (through <see cref="ICitizenAccounts"/>), their applications with
/// timelines (through <see cref="ICitizenApplications"/>), the notices sent to their phone and e-mail with their delivery
/// (secrets masked), their tickets and the internal notes on them. The helpdesk's own reads and the access-log row
/// (<c>case</c>) are one transaction, committed before anything is shown.
/// </summary>
internal sealed class CitizenCases(NpgsqlDataSource dataSource, ICitizenAccounts accounts, ICitizenApplications applications)
{
    private const int MaxApplications = 50;
    private const int MaxNotices = 50;

    public async Task<CitizenCase?> OpenAsync(StaffActor actor, Guid accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (await accounts.FindByIdAsync(accountId, cancellationToken) is not { } account)
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var history = await applications.ListForStaffAsync(accountId, MaxApplications, cancellationToken);
        string[] recipients = account.Email is null ? [account.Phone] : [account.Phone, account.Email];
        var notices = await OutboxHistory.ListForRecipientsAsync(connection, transaction, recipients, MaxNotices, cancellationToken);
        var tickets = await StaffTickets.ListForCitizenAsync(connection, transaction, accountId, cancellationToken);
        var notes = await connection.QueryAsync<CaseNote>(new CommandDefinition(
            """
            SELECT t.number AS TicketNumber, m.author_account_id AS AuthorAccountId, m.body AS Body, m.created_at AS CreatedAt
            FROM helpdesk.ticket_messages m JOIN helpdesk.tickets t ON t.id = m.ticket_id
            WHERE t.account_id = @accountId AND m.internal ORDER BY m.id DESC LIMIT 100
            """, new { accountId }, transaction, cancellationToken: cancellationToken));
        await AccessLog.RecordAsync(connection, transaction, actor.Access(accountId, AccessAction.Case, "case"), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CitizenCase(account, history, notices, tickets, [.. notes]);
    }
}
