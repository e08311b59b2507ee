using Dapper;
using Npgsql;

namespace ServicePortal.Core.Messaging;

/// <summary>A message to a person: an SMS or an e-mail, in the person's language.</summary>
public sealed record OutgoingMessage(string Channel, string Recipient, string? Subject, string Body, string Purpose)
{
    public const string Sms = "sms";
    public const string Email = "email";

    public static OutgoingMessage ToPhone(string phone, string body, string purpose) => new(Sms, phone, null, body, purpose);
}

/// <summary>A message as stored in the outbox. Times are UTC.</summary>
public sealed record OutboxMessage(
    long Id, Guid MessageId, string Channel, string Recipient, string? Subject, string Body, string Purpose,
    DateTime CreatedAt, int Attempts, DateTime? SentAt, string? LastError);

/// <summary>
/// Writes messages into the outbox inside the caller's transaction, so that a message exists if and only if
/// the change that causes it was committed. The dispatcher is woken by a notification sent at commit.
/// </summary>
public static class Outbox
{
    public const string Channel = "portal_outbox";

    public static async Task EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO portal.outbox_messages (channel, recipient, subject, body, purpose)
            VALUES (@Channel, @Recipient, @Subject, @Body, @Purpose);
            SELECT pg_notify('portal_outbox', '');
            """,
            message, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>The latest messages, newest first (the Development message viewer and tests read these).</summary>
    public static async Task<IReadOnlyList<OutboxMessage>> RecentAsync(NpgsqlDataSource dataSource, int count,
        string? recipient, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<OutboxMessage>(new CommandDefinition(
            """
            SELECT id, message_id AS MessageId, channel, recipient, subject, body, purpose, created_at AS CreatedAt,
                   attempts, sent_at AS SentAt, last_error AS LastError
            FROM portal.outbox_messages
            WHERE @Recipient::text IS NULL OR recipient = @Recipient
            ORDER BY id DESC
            LIMIT @Count
            """,
            new { Count = count, Recipient = recipient }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows];
    }
}
