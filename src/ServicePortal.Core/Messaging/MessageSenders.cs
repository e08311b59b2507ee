using Microsoft.Extensions.Logging;

namespace ServicePortal.Core.Messaging;

/// <summary>
/// Delivers one message on one channel (an SMS gateway, an SMTP server). <see cref="OutboxMessage.MessageId"/>
/// is stable across retries: a sender passes it on as an idempotency key where the gateway accepts one, so a
/// retry after a crash between "sent" and "recorded as sent" does not reach the person twice.
/// </summary>
public interface IMessageSender
{
    string Channel { get; }

    Task SendAsync(OutboxMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// Thrown by a sender when the counterpart refused the message for good (an SMTP server's 5xx for the
/// recipient, a gateway's 400 for the number): trying again cannot succeed, so the dispatcher gives the
/// message up at once instead of retrying it for hours. Any other exception means "try again later".
/// </summary>
public sealed class PermanentDeliveryException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Development only: "sends" by keeping the message in memory (<see cref="DevelopmentMessageBox"/>), where
/// <c>/dev/messages</c> shows it, so a person trying the demo can read their one-time code (the outbox masks it once
/// sent, as everywhere). Never registered outside Development.
/// </summary>
public sealed class DevelopmentMessageSink(string channel, DevelopmentMessageBox box, ILogger<DevelopmentMessageSink> logger) : IMessageSender
{
    public string Channel => channel;

    public Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        box.Add(message);
        logger.LogInformation("Development {Channel} to {Recipient}: {Body}", message.Channel, message.Recipient, message.Body);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Development only: the messages the development sender "sent", as written, newest first, the last
/// <see cref="Capacity"/> of them, in this process's memory (a restart forgets them; a code lives minutes anyway).
/// </summary>
public sealed class DevelopmentMessageBox
{
    public const int Capacity = 200;

    private readonly LinkedList<OutboxMessage> _messages = new();
    private readonly Lock _lock = new();

    public void Add(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_lock)
        {
            _messages.AddFirst(message);
            while (_messages.Count > Capacity)
            {
                _messages.RemoveLast();
            }
        }
    }

    /// <summary>The message as it was sent, by its outbox message id; null when this process did not send it.</summary>
    public OutboxMessage? Find(Guid messageId)
    {
        lock (_lock)
        {
            return _messages.FirstOrDefault(m => m.MessageId == messageId);
        }
    }
}
