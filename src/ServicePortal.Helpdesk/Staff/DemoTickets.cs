using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using ServicePortal.Core.Identity;

namespace ServicePortal.Helpdesk.Staff;

/// <summary>
/// Development only: a living helpdesk for the README's demo staff. The demo citizen (Amina) gets a few tickets, once
/// (each has a fixed idempotency key): unassigned and new, one already late, one taken by the demo agent (Juma) with an
/// internal note, one escalated to RITA for the demo officer (Baraka), one resolved. Accounts are read through
/// <see cref="ICitizenAccounts"/>; when the demo accounts are not there yet, nothing is seeded.
/// </summary>
internal sealed partial class DemoTickets(NpgsqlDataSource dataSource, ICitizenAccounts accounts, ILogger<DemoTickets> logger) : IHostedService
{
    private const string CitizenNin = "19900415111110000123";
    private const string AgentNin = "19851102222220000234";

    private sealed record Demo(string Key, string Category, string Status, string Priority, int HoursAgo, string? Agency, bool Assigned,
        string Question, string? Answer, string? Note);

    private static readonly Demo[] Tickets =
    [
        new("demo:1", "payment", "open", "normal", 1, null, false,
            "Nimelipa ada ya cheti cha kuzaliwa kwa M-Pesa lakini ombi bado linasema linasubiri malipo.", null, null),
        new("demo:2", "account", "open", "high", 30, null, false,
            "Sipokei namba ya uthibitisho kwa SMS ninapojaribu kuingia.", null, null),
        new("demo:3", "application", "open", "normal", 5, null, true,
            "Ombi langu la cheti cha kuzaliwa limechukua wiki mbili. Lini litakamilika?", null,
            "Nimeangalia ombi: liko kwa RITA tangu wiki iliyopita. Nitafuatilia kesho."),
        new("demo:4", "application", "escalated", "normal", 20, "rita", true,
            "RITA wameniomba cheti cha hospitali, lakini nilikipakia. Nifanye nini?",
            "Tumepeleka swali lako kwa RITA; watakujibu hapa.", "Hati imeambatishwa kwenye ombi; RITA waangalie tena."),
        new("demo:5", "other", "resolved", "low", 50, null, false,
            "Je, ninaweza kutumia lango kwa Kiingereza?", "Ndiyo: chagua \"English\" juu ya ukurasa wowote.", null),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var citizen = await accounts.FindByNinAsync(NationalIdNumber.Parse(CitizenNin, DateOnly.MaxValue), cancellationToken);
        var agent = await accounts.FindByNinAsync(NationalIdNumber.Parse(AgentNin, DateOnly.MaxValue), cancellationToken);
        if (citizen is null || agent is null)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var seeded = 0;
        foreach (var demo in Tickets)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var at = DateTime.UtcNow.AddHours(-demo.HoursAgo);
            var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                """
                INSERT INTO helpdesk.tickets (number, account_id, category, status, priority, language, idempotency_key, created_at, updated_at,
                                              assignee_account_id, escalated_agency, escalated_at, first_response_at, resolved_at)
                VALUES (@number, @citizen, @Category, @Status, @Priority, 'sw', @Key, @at, @at, @assignee, @Agency,
                        CASE WHEN @Agency::text IS NULL THEN NULL ELSE @at + interval '1 hour' END,
                        CASE WHEN @Answer::text IS NULL THEN NULL ELSE @at + interval '1 hour' END,
                        CASE WHEN @Status = 'resolved' THEN @at + interval '1 hour' END)
                ON CONFLICT (account_id, idempotency_key) DO NOTHING
                RETURNING id
                """,
                new
                {
                    number = Helpdesk.Tickets.TicketNumber.New(), citizen = citizen.AccountId, demo.Category, demo.Status, demo.Priority, demo.Key, at,
                    assignee = demo.Assigned ? agent.AccountId : (Guid?)null, demo.Agency, demo.Answer,
                }, transaction, cancellationToken: cancellationToken));
            if (id is { } ticketId)
            {
                await MessageAsync(connection, transaction, ticketId, "citizen", citizen.AccountId, demo.Question, false, at, cancellationToken);
                if (demo.Note is not null)
                {
                    await MessageAsync(connection, transaction, ticketId, "staff", agent.AccountId, demo.Note, true, at.AddMinutes(30), cancellationToken);
                }

                if (demo.Answer is not null)
                {
                    await MessageAsync(connection, transaction, ticketId, "staff", agent.AccountId, demo.Answer, false, at.AddHours(1), cancellationToken);
                }

                seeded++;
            }

            await transaction.CommitAsync(cancellationToken);
        }

        LogSeeded(logger, seeded);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static Task MessageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long ticketId, string author, Guid accountId,
        string body, bool isInternal, DateTime at, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO helpdesk.ticket_messages (ticket_id, author, author_account_id, body, internal, created_at)
            VALUES (@ticketId, @author, @accountId, @body, @isInternal, @at)
            """, new { ticketId, author, accountId, body, isInternal, at }, transaction, cancellationToken: cancellationToken));

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo helpdesk tickets seeded ({Count})")]
    private static partial void LogSeeded(ILogger logger, int count);
}
