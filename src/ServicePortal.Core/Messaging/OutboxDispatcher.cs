using Dapper;
using ServicePortal.Core.Database;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ServicePortal.Core.Messaging;

/// <summary>
/// Sends what the outbox holds. Each node claims due messages with <c>FOR UPDATE SKIP LOCKED</c> (a message is
/// worked on by one node at a time), leases them for a minute, and records the outcome: sent, or a retry
/// with exponential backoff, or given up after <see cref="MaxAttempts"/> (at once when the sender says the
/// refusal is permanent, <see cref="PermanentDeliveryException"/>). It wakes on the
/// <c>portal_outbox</c> notification sent at commit, and polls as a safety net (a <see cref="ChannelListener"/>: its
/// connection, reconnection with backoff and catch-up are the shared ones). A message that carried a secret
/// (<see cref="OutgoingMessage.CarriesSecret"/>) is masked in the same statement that records it sent or given up.
/// </summary>
public sealed partial class OutboxDispatcher(
    NpgsqlDataSource dataSource,
    IEnumerable<IMessageSender> senders,
    ILogger<OutboxDispatcher> logger) : ChannelListener(dataSource, logger)
{
    public const int MaxAttempts = 8;
    private readonly Dictionary<string, IMessageSender> _senders = senders.ToDictionary(s => s.Channel, StringComparer.Ordinal);

    protected override string ChannelName => Outbox.Channel;

    /// <summary>The safety net: due retries (and anything a missed notification announced) are looked for this often.</summary>
    protected override TimeSpan CheckInterval => TimeSpan.FromSeconds(5);

    // Listening (again): send whatever was committed while nobody listened.
    protected override Task ListeningAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        DrainAsync(cancellationToken);

    protected override Task WokeAsync(NpgsqlConnection connection, bool notified, CancellationToken cancellationToken) =>
        DrainAsync(cancellationToken);

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (await DispatchBatchAsync(cancellationToken) > 0)
        {
        }
    }

    /// <summary>Claims and sends one batch of due messages; returns how many it claimed.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        var channels = _senders.Keys.ToArray();
        if (channels.Length == 0)
        {
            return 0; // nothing can be sent on this node: leave the messages for one that can
        }

        var claimed = (await connection.QueryAsync<OutboxMessage>(new CommandDefinition(
            """
            UPDATE portal.outbox_messages m
            SET attempts = m.attempts + 1, next_attempt_at = now() + interval '1 minute'
            WHERE m.id IN (
                SELECT id FROM portal.outbox_messages
                WHERE sent_at IS NULL AND next_attempt_at <= now() AND channel = ANY(@Channels)
                ORDER BY next_attempt_at, id
                LIMIT 50
                FOR UPDATE SKIP LOCKED)
            RETURNING m.id, m.message_id AS MessageId, m.channel, m.recipient, m.subject, m.body, m.purpose,
                      m.created_at AS CreatedAt, m.attempts, m.sent_at AS SentAt, m.last_error AS LastError
            """,
            new { Channels = channels }, cancellationToken: cancellationToken))).ToList();

        foreach (var message in claimed)
        {
            try
            {
                await _senders[message.Channel].SendAsync(message, cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE portal.outbox_messages SET sent_at = now(), last_error = NULL, body = coalesce(@Masked, body) WHERE id = @Id",
                    new { message.Id, Masked = Masked(message) }, cancellationToken: CancellationToken.None));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var giveUp = e is PermanentDeliveryException || message.Attempts >= MaxAttempts;
                var delay = TimeSpan.FromSeconds(Math.Min(3600, 5 * Math.Pow(2, message.Attempts - 1)));
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    UPDATE portal.outbox_messages
                    SET last_error = left(@Error, 1000),
                        next_attempt_at = CASE WHEN @GiveUp THEN 'infinity'::timestamptz ELSE now() + @Delay END,
                        body = CASE WHEN @GiveUp THEN coalesce(@Masked, body) ELSE body END
                    WHERE id = @Id
                    """,
                    new { message.Id, Error = e.Message, GiveUp = giveUp, Delay = delay, Masked = Masked(message) },
                    cancellationToken: CancellationToken.None));
                LogSendFailed(logger, message.Id, message.Channel, message.Attempts, giveUp, e);
            }
        }

        return claimed.Count;
    }

    // Null: keep the body as written.
    private static string? Masked(OutboxMessage message) =>
        OutgoingMessage.CarriesSecret(message.Purpose) ? OutboxRedaction.Redact(message.Body) : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending outbox message {Id} by {Channel} failed (attempt {Attempts}, given up: {GaveUp})")]
    private static partial void LogSendFailed(ILogger logger, long id, string channel, int attempts, bool gaveUp, Exception exception);
}
