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
