using Dapper;
using Npgsql;

namespace ServicePortal.Core.Messaging;

/// <summary>A message to a person: an SMS or an e-mail, in the person's language.</summary>
public sealed record OutgoingMessage(string Channel, string Recipient, string? Subject, string Body, string Purpose)
{
    public const string Sms = "sms";
    public const string Email = "email";

    /// <summary>
    /// Purposes starting with this carry a secret (the identity module's one-time codes, <c>identity.{what for}</c>):
    /// once such a message is sent, or given up, the outbox keeps it only masked (<see cref="OutboxRedaction"/>).
    /// </summary>
    public const string SecretPurposePrefix = "identity.";

    public static OutgoingMessage ToPhone(string phone, string body, string purpose) => new(Sms, phone, null, body, purpose);

    public static bool CarriesSecret(string purpose) =>
        purpose?.StartsWith(SecretPurposePrefix, StringComparison.Ordinal) == true;
}

/// <summary>
/// What the outbox keeps of a message that carried a secret once it no longer needs it (sent, or given up): the text
/// with every run of four or more digits replaced by <c>******</c>, so the row still says what was sent, when and to
/// whom (the helpdesk and the citizen's questions), but not the code. Only the person's phone ever had it in full.
/// </summary>
public static partial class OutboxRedaction
{
    public const string Mask = "******";

    public static string Redact(string body) => LongNumber().Replace(body ?? "", Mask);

    [System.Text.RegularExpressions.GeneratedRegex("[0-9]{4,}")]
    private static partial System.Text.RegularExpressions.Regex LongNumber();
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
            message, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Many messages in one statement (and one notification): what <see cref="EnqueueAsync"/> does for each, in
    /// list order, but one round trip instead of one per message. PostgreSQL folds identical notifications of a
    /// transaction into one anyway, so the dispatcher sees the same.
    /// </summary>
    public static async Task EnqueueManyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO portal.outbox_messages (channel, recipient, subject, body, purpose)
            SELECT channel, recipient, subject, body, purpose
            FROM unnest(@channels, @recipients, @subjects, @bodies, @purposes) WITH ORDINALITY AS m(channel, recipient, subject, body, purpose, n)
            ORDER BY n;
            SELECT pg_notify('portal_outbox', '');
            """,
            new
            {
                channels = messages.Select(m => m.Channel).ToArray(),
                recipients = messages.Select(m => m.Recipient).ToArray(),
                subjects = messages.Select(m => m.Subject).ToArray(),
                bodies = messages.Select(m => m.Body).ToArray(),
                purposes = messages.Select(m => m.Purpose).ToArray(),
            }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>The latest messages, newest first (the Development message viewer and tests read these).</summary>
    public static async Task<IReadOnlyList<OutboxMessage>> ListRecentAsync(NpgsqlDataSource dataSource, int count,
        string? recipient, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<OutboxMessage>(new CommandDefinition(
            """
            SELECT id, message_id AS MessageId, channel, recipient, subject, body, purpose, created_at AS CreatedAt,
                   attempts, sent_at AS SentAt, last_error AS LastError
            FROM portal.outbox_messages
            WHERE @Recipient::text IS NULL OR recipient = @Recipient
            ORDER BY id DESC
            LIMIT @Count
            """,
            new { Count = count, Recipient = recipient }, cancellationToken: cancellationToken));
        return [.. rows];
    }
}
