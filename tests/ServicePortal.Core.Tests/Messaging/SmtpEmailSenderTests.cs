using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using ServicePortal.Core.Messaging;

namespace ServicePortal.Core.Tests.Messaging;

/// <summary>The SMTP sender against a real (tiny) SMTP server on loopback.</summary>
public sealed class SmtpEmailSenderTests
{
    private static ServiceProvider Configured(TestSmtpServer server) => MessagingConfiguration.Build(new Dictionary<string, string?>
    {
        ["Messaging:Sender"] = "smtp",
        ["Messaging:Smtp:Host"] = "127.0.0.1",
        ["Messaging:Smtp:Port"] = server.Port.ToString(CultureInfo.InvariantCulture),
        ["Messaging:Smtp:Security"] = "None",
        ["Messaging:Smtp:From"] = "huduma@portal.example.go.tz",
        ["Messaging:Smtp:Timeout"] = "00:00:10",
    });

    [Fact]
    public async Task Sends_a_utf8_plain_text_mail_whose_Message_Id_comes_from_the_outbox()
    {
        await using var server = new TestSmtpServer();
        await using var services = Configured(server);
        const string body = "Habari Zuhura,\nMsimbo wako wa uthibitisho ni 482913 — usimpe mtu yeyote.\n“Karibu” kwenye huduma za Serikali.\n.mstari unaoanza na nukta";
        var message = MessagingConfiguration.Message(OutgoingMessage.Email, "zuhura@example.co.tz", "Msimbo wa uthibitisho – ServicePortal", body);

        await services.Sender(OutgoingMessage.Email).SendAsync(message, CancellationToken.None);

        var received = Assert.Single(server.Received);
        Assert.Equal("huduma@portal.example.go.tz", received.MailFrom);
        Assert.Equal(["zuhura@example.co.tz"], received.RcptTo);
        Assert.Contains($"Message-Id: <{message.MessageId:D}@serviceportal>", received.Data, StringComparison.OrdinalIgnoreCase);
        var mail = await MimeMessage.LoadAsync(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(received.Data)));
        Assert.Equal("ServicePortal", Assert.IsType<MailboxAddress>(Assert.Single(mail.From)).Name);
        Assert.Equal("huduma@portal.example.go.tz", Assert.IsType<MailboxAddress>(Assert.Single(mail.From)).Address);
        Assert.Equal("zuhura@example.co.tz", Assert.IsType<MailboxAddress>(Assert.Single(mail.To)).Address);
        Assert.Equal("Msimbo wa uthibitisho – ServicePortal", mail.Subject);
        Assert.Equal($"{message.MessageId:D}@serviceportal", mail.MessageId);
        var text = Assert.IsType<TextPart>(mail.Body);
        Assert.True(text.IsPlain);
        Assert.Equal("utf-8", text.ContentType.Charset, ignoreCase: true);
        Assert.Equal(body, text.Text.ReplaceLineEndings("\n").TrimEnd('\n'));
    }

    [Fact]
    public async Task A_retry_of_the_same_outbox_message_carries_the_same_Message_Id()
    {
        await using var server = new TestSmtpServer();
        await using var services = Configured(server);
        var message = MessagingConfiguration.Message(OutgoingMessage.Email, "juma@example.co.tz", null, "Ombi lako limepokelewa.");

        await services.Sender(OutgoingMessage.Email).SendAsync(message, CancellationToken.None);
        await services.Sender(OutgoingMessage.Email).SendAsync(message with { Attempts = 2 }, CancellationToken.None);

        var ids = server.Received.Select(m => MimeMessage.Load(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(m.Data))))
            .Select(m => (m.MessageId, m.Subject)).ToList();
        Assert.Equal(2, ids.Count);
        Assert.All(ids, id => Assert.Equal(($"{message.MessageId:D}@serviceportal", "test.purpose"), id));
    }

    [Fact]
    public async Task A_recipient_the_server_refuses_with_550_is_a_permanent_failure()
    {
        await using var server = new TestSmtpServer("hayupo@example.co.tz");
        await using var services = Configured(server);
        var message = MessagingConfiguration.Message(OutgoingMessage.Email, "hayupo@example.co.tz", "Taarifa", "Habari");

        var error = await Assert.ThrowsAsync<PermanentDeliveryException>(() =>
            services.Sender(OutgoingMessage.Email).SendAsync(message, CancellationToken.None));

        Assert.Contains("550", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task A_server_that_cannot_be_reached_is_a_failure_to_retry()
    {
        int port;
        await using (var gone = new TestSmtpServer())
        {
            port = gone.Port;
        }

        await using var services = MessagingConfiguration.Build(new Dictionary<string, string?>
        {
            ["Messaging:Sender"] = "smtp",
            ["Messaging:Smtp:Host"] = "localhost",
            ["Messaging:Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Messaging:Smtp:Security"] = "None",
            ["Messaging:Smtp:From"] = "huduma@portal.example.go.tz",
        });
        var message = MessagingConfiguration.Message(OutgoingMessage.Email, "juma@example.co.tz", "Taarifa", "Habari");

        var error = await Record.ExceptionAsync(() => services.Sender(OutgoingMessage.Email).SendAsync(message, CancellationToken.None));

        Assert.NotNull(error);
        Assert.IsNotType<PermanentDeliveryException>(error);
    }
}
