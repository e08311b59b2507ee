using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;
using MimeKit.Text;
using ServicePortal.Core.Hosting;

namespace ServicePortal.Core.Messaging;

internal enum SmtpSecurity
{
    /// <summary>Plain connection upgraded with STARTTLS, which the server must offer (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,

    /// <summary>No TLS at all: only to a relay on this machine.</summary>
    None,
}

/// <summary>
/// <c>Messaging:Smtp</c>. A class rather than a record: a record's generated <c>ToString</c> would print the
/// password wherever the settings are logged.
/// </summary>
internal sealed class SmtpSettings
{
    public const string Section = "Messaging:Smtp";

    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string? From { get; set; }
    public string FromName { get; set; } = "ServicePortal";
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Stops start-up with one line naming the first setting that is missing or wrong.</summary>
    public SmtpSettings Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            throw Missing("Host", "the SMTP server to send e-mail through, e.g. smtp.example.go.tz");
        }

        if (string.IsNullOrWhiteSpace(From))
        {
            throw Missing("From", "the address e-mails are sent from, e.g. noreply@example.go.tz");
        }

        if (!MailboxAddress.TryParse(From, out var from) || from.Address.IndexOf('@', StringComparison.Ordinal) <= 0)
        {
            throw new PortalStartupException($"{Section}:From: '{From}' is not an e-mail address.");
        }

        if (Port is < 1 or > 65535)
        {
            throw new PortalStartupException($"{Section}:Port: {Port} is not a TCP port (1-65535).");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            throw new PortalStartupException($"{Section}:Timeout must be positive, e.g. 00:00:30.");
        }

        if (Security == SmtpSecurity.None && !Loopback.Is(Host))
        {
            throw new PortalStartupException(
                $"{Section}:Security=None sends e-mail and the password in clear: it is allowed only to a relay on " +
                $"this machine, not to '{Host}'. Use StartTls (port 587) or SslOnConnect (port 465).");
        }

        if (!string.IsNullOrEmpty(Password) && string.IsNullOrWhiteSpace(UserName))
        {
            throw Missing("UserName", "Messaging:Smtp:Password is set, but not the user name it belongs to");
        }

        return this;
    }

    private static PortalStartupException Missing(string setting, string what) =>
        new($"{Section}:{setting} is required when Messaging:Sender includes smtp: {what} " +
            $"(environment: Messaging__Smtp__{setting}).");
}

/// <summary>
/// Sends the outbox's e-mails through an SMTP server (the ministry's relay, or a provider's submission port):
/// one connection per message, which is plenty for one-time codes and notices. The <c>Message-Id</c> is
/// derived from <see cref="OutboxMessage.MessageId"/>, so a message retried after a crash is recognisable
/// downstream as the same message.
/// </summary>
internal sealed partial class SmtpEmailSender(SmtpSettings settings, ILogger<SmtpEmailSender> logger) : IMessageSender
{
    // Validated at start-up (SmtpSettings.Validate); checked again so a sender is never built half-configured.
    private readonly string _host = settings.Host ?? throw new ArgumentException("No SMTP host.", nameof(settings));
    private readonly string _from = settings.From ?? throw new ArgumentException("No From address.", nameof(settings));

    public string Channel => OutgoingMessage.Email;

    public async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var email = Compose(message);

        using var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        await client.ConnectAsync(_host, settings.Port, settings.Security switch
        {
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.None => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        }, cancellationToken);
        if (!string.IsNullOrWhiteSpace(settings.UserName))
        {
            await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", cancellationToken);
        }

        try
        {
            await client.SendAsync(email, cancellationToken);
        }
        catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.RecipientNotAccepted && (int)e.StatusCode >= 500)
        {
            // 5xx is the server's final word on this mailbox; a 4xx (mailbox busy, greylisting) is retried.
            throw new PermanentDeliveryException(
                $"The SMTP server refused the recipient: {(int)e.StatusCode} {e.Message}", e);
        }

        await client.DisconnectAsync(quit: true, cancellationToken);
        LogSent(logger, message.Id, _host);
    }

    private MimeMessage Compose(OutboxMessage message)
    {
        if (!MailboxAddress.TryParse(message.Recipient, out var recipient))
        {
            throw new PermanentDeliveryException($"'{message.Recipient}' is not an e-mail address.");
        }

        var body = new TextPart(TextFormat.Plain);
        body.SetText(Encoding.UTF8, message.Body);
        var email = new MimeMessage
        {
            Subject = string.IsNullOrWhiteSpace(message.Subject) ? message.Purpose : message.Subject,
            MessageId = $"{message.MessageId:D}@serviceportal",
            Body = body,
        };
        email.From.Add(new MailboxAddress(settings.FromName, _from));
        email.To.Add(recipient);
        return email;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "E-mail for outbox message {Id} handed to {Host}")]
    private static partial void LogSent(ILogger logger, long id, string host);
}
