using Microsoft.Extensions.DependencyInjection;
using ServicePortal.Core.Hosting;
using ServicePortal.Core.Messaging;

namespace ServicePortal.Core.Tests.Messaging;

/// <summary><c>Messaging:Sender</c> and the real senders' settings, checked when the host is built.</summary>
public sealed class MessagingSetupTests
{
    private static Dictionary<string, string?> Smtp(params (string Key, string? Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Messaging:Sender"] = "smtp",
            ["Messaging:Smtp:Host"] = "smtp.example.go.tz",
            ["Messaging:Smtp:From"] = "huduma@example.go.tz",
            ["Messaging:Smtp:UserName"] = "portal",
            ["Messaging:Smtp:Password"] = "s3cret-not-to-print",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static Dictionary<string, string?> Sms(params (string Key, string? Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Messaging:Sender"] = "sms",
            ["Messaging:Sms:Url"] = "https://sms.example.co.tz/api/v1/messages",
            ["Messaging:Sms:ApiKey"] = "key-not-to-print",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static PortalStartupException Refused(Dictionary<string, string?> settings) =>
        Assert.Throws<PortalStartupException>(() => MessagingConfiguration.Build(settings));

    [Fact]
    public void Development_keeps_both_channels_for_the_message_viewer_by_default()
    {
        using var services = MessagingConfiguration.Build(new Dictionary<string, string?>(), "Development");

        var senders = services.GetServices<IMessageSender>().ToList();

        Assert.All(senders, s => Assert.IsType<DevelopmentMessageSink>(s));
        Assert.Equal(["email", "sms"], senders.Select(s => s.Channel).Order());
    }

    [Fact]
    public void Outside_Development_nothing_is_sent_unless_a_sender_is_configured()
    {
        using var services = MessagingConfiguration.Build(new Dictionary<string, string?>());

        Assert.Empty(services.GetServices<IMessageSender>());
    }

    [Fact]
    public void Smtp_and_sms_together_register_a_real_sender_per_channel()
    {
        var settings = Smtp(("Messaging:Sender", " smtp , SMS "));
        foreach (var (key, value) in Sms())
        {
            settings.TryAdd(key, value);
        }

        using var services = MessagingConfiguration.Build(settings);

        Assert.IsType<SmtpEmailSender>(services.Sender(OutgoingMessage.Email));
        Assert.IsType<SmsGatewaySender>(services.Sender(OutgoingMessage.Sms));
    }

    [Fact]
    public void Smtp_without_a_From_address_stops_start_up_naming_the_setting()
    {
        var error = Refused(Smtp(("Messaging:Smtp:From", null)));

        Assert.Contains("Messaging:Smtp:From is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("Messaging__Smtp__From", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-not-to-print", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Smtp_without_a_host_stops_start_up_naming_the_setting()
    {
        var error = Refused(Smtp(("Messaging:Smtp:Host", "")));

        Assert.Contains("Messaging:Smtp:Host is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Smtp_without_TLS_to_a_remote_host_stops_start_up()
    {
        var error = Refused(Smtp(("Messaging:Smtp:Security", "None")));

        Assert.Contains("Messaging:Smtp:Security=None", error.Message, StringComparison.Ordinal);
        Assert.Contains("smtp.example.go.tz", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Smtp_without_TLS_is_allowed_to_a_relay_on_this_machine(string host)
    {
        using var services = MessagingConfiguration.Build(Smtp(("Messaging:Smtp:Security", "None"), ("Messaging:Smtp:Host", host)));

        Assert.IsType<SmtpEmailSender>(services.Sender(OutgoingMessage.Email));
    }

    [Fact]
    public void An_unknown_security_mode_stops_start_up_naming_the_section()
    {
        var error = Refused(Smtp(("Messaging:Smtp:Security", "Tls13")));

        Assert.StartsWith("Messaging:Smtp:", error.Message, StringComparison.Ordinal);
        Assert.Contains("Tls13", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sms_over_plain_http_to_a_remote_gateway_stops_start_up()
    {
        var error = Refused(Sms(("Messaging:Sms:Url", "http://sms.example.co.tz/api/v1/messages")));

        Assert.Contains("Messaging:Sms:Url must be https://", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("key-not-to-print", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sms_without_an_api_key_stops_start_up_naming_the_setting()
    {
        var error = Refused(Sms(("Messaging:Sms:ApiKey", null)));

        Assert.Contains("Messaging:Sms:ApiKey is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sender_name_longer_than_an_SMS_allows_stops_start_up()
    {
        var error = Refused(Sms(("Messaging:Sms:SenderId", "SERVICEPORTAL")));

        Assert.Contains("Messaging:Sms:SenderId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_sender_stops_start_up()
    {
        var error = Refused(new Dictionary<string, string?> { ["Messaging:Sender"] = "smtp,whatsapp" });

        Assert.Contains("Messaging:Sender", error.Message, StringComparison.Ordinal);
        Assert.Contains("smtp, sms", error.Message, StringComparison.Ordinal);
    }
}
