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
/// Development only: "sends" by keeping the message in the outbox, where <c>/dev/messages</c> shows it, so a
/// person trying the demo can read their one-time code. Never registered outside Development.
/// </summary>
public sealed class DevelopmentMessageSink(string channel, ILogger<DevelopmentMessageSink> logger) : IMessageSender
{
    public string Channel => channel;

    public Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        logger.LogInformation("Development {Channel} to {Recipient}: {Body}", message.Channel, message.Recipient, message.Body);
        return Task.CompletedTask;
    }
}
