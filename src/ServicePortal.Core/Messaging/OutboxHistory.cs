using Dapper;
using Npgsql;

namespace ServicePortal.Core.Messaging;

/// <summary>A notice sent (or being sent) to a person, as staff may read it. A secret (a one-time code) is always masked.</summary>
public sealed record SentNotice(DateTime CreatedAt, string Channel, string Recipient, string? Subject, string Body, string Purpose,
    DateTime? SentAt, int Attempts, string? LastError);

/// <summary>
/// The notices the portal sent to a person's phone and e-mail, for the helpdesk's case screen ("did the SMS arrive?").
/// A message that carries a secret is shown masked even while it waits to be sent (<see cref="OutboxRedaction"/>): staff
/// never read a citizen's code.
/// </summary>
public static class OutboxHistory
{
    public static async Task<IReadOnlyList<SentNotice>> ListForRecipientsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        IReadOnlyCollection<string> recipients, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(recipients);
        var rows = await connection.QueryAsync<SentNotice>(new CommandDefinition(
            """
            SELECT created_at AS CreatedAt, channel AS Channel, recipient AS Recipient, subject AS Subject, body AS Body,
                   purpose AS Purpose, sent_at AS SentAt, attempts AS Attempts, last_error AS LastError
            FROM portal.outbox_messages WHERE recipient = ANY(@recipients) ORDER BY id DESC LIMIT @limit
            """, new { recipients = recipients.ToArray(), limit }, transaction, cancellationToken: cancellationToken));
        return [.. rows.Select(n => OutgoingMessage.CarriesSecret(n.Purpose) ? n with { Body = OutboxRedaction.Redact(n.Body) } : n)];
    }
}
