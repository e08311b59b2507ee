using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServicePortal.Core.Hosting;

namespace ServicePortal.Core.Messaging;

public static class MessagingSetup
{
    public const string SenderSetting = "Messaging:Sender";

    /// <summary>
    /// The outbox dispatcher and the senders. <c>Messaging:Sender</c> = <c>development</c> (the default in
    /// Development) keeps messages in memory for <c>/dev/messages</c>; <c>smtp</c>, <c>sms</c> or <c>smtp,sms</c>
    /// registers the real senders, configured by <c>Messaging:Smtp</c> and <c>Messaging:Sms</c>. A node without
    /// a sender for a channel leaves those messages queued for one that has it.
    /// </summary>
    /// <remarks>
    /// The real senders' settings are checked here, while the host is being built, rather than by
    /// <c>ValidateOnStart</c>: a missing setting then stops the host with the portal's one-line
    /// <see cref="PortalStartupException"/>, like a bad database setting does, before anything starts.
    /// </remarks>
    public static IServiceCollection AddPortalMessaging(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        services.AddSingleton(TimeProvider.System);
        var sender = configuration[SenderSetting] ?? (environment.IsDevelopment() ? "development" : null);
        var names = (sender ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant()).Distinct().ToList();
        if (names is ["development"])
        {
            services.AddSingleton<DevelopmentMessageBox>();
            foreach (var channel in new[] { OutgoingMessage.Sms, OutgoingMessage.Email })
            {
                services.AddSingleton<IMessageSender>(sp => new DevelopmentMessageSink(channel,
                    sp.GetRequiredService<DevelopmentMessageBox>(), sp.GetRequiredService<ILogger<DevelopmentMessageSink>>()));
            }
        }
        else if (names.Except(["smtp", "sms"]).Any())
        {
            throw new PortalStartupException(
                $"{SenderSetting}: '{sender}' is not understood: use 'development' alone, or a comma list " +
                "of real senders: smtp, sms (e.g. Messaging__Sender=smtp,sms).");
        }
        else
        {
            if (names.Contains("smtp"))
            {
                AddSmtp(services, configuration);
            }

            if (names.Contains("sms"))
            {
                AddSms(services, configuration);
            }
        }

        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return services;
    }

    private static void AddSmtp(IServiceCollection services, IConfiguration configuration)
    {
        var settings = Read<SmtpSettings>(configuration, SmtpSettings.Section).Validate();
        services.AddSingleton<IMessageSender>(sp =>
            new SmtpEmailSender(settings, sp.GetRequiredService<ILogger<SmtpEmailSender>>()));
    }

    private static void AddSms(IServiceCollection services, IConfiguration configuration)
    {
        var settings = Read<SmsGatewaySettings>(configuration, SmsGatewaySettings.Section).Validate();
        services.AddHttpClient(SmsGatewaySender.HttpClientName, http => http.Timeout = settings.Timeout)
            .RedactLoggedHeaders(["Authorization"]);
        services.AddSingleton<IMessageSender>(sp => new SmsGatewaySender(
            sp.GetRequiredService<IHttpClientFactory>(), settings, sp.GetRequiredService<ILogger<SmsGatewaySender>>()));
    }

    private static T Read<T>(IConfiguration configuration, string section)
        where T : new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException e)
        {
            // e.g. "Security=Tls" or "Port=smtp": the binder names the value and the property.
            throw new PortalStartupException($"{section}: {e.Message}", e);
        }
    }
}

/// <summary>Whether a host name or address is this machine, where plain connections are acceptable.</summary>
internal static class Loopback
{
    public static bool Is(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ||
        (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
