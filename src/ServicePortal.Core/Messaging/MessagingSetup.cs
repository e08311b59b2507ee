using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ServicePortal.Core.Messaging;

public static class MessagingSetup
{
    /// <summary>
    /// The outbox dispatcher and the senders. <c>Messaging:Sender</c> = <c>development</c> (the default in
    /// Development) keeps messages for <c>/dev/messages</c>. Real SMS and e-mail senders are configured per
    /// deployment; a node without a sender for a channel leaves those messages queued for one that has it.
    /// </summary>
    public static IServiceCollection AddPortalMessaging(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        services.AddSingleton(TimeProvider.System);
        var sender = configuration["Messaging:Sender"] ?? (environment.IsDevelopment() ? "development" : null);
        if (string.Equals(sender, "development", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var channel in new[] { OutgoingMessage.Sms, OutgoingMessage.Email })
            {
                services.AddSingleton<IMessageSender>(sp =>
                    new DevelopmentMessageSink(channel, sp.GetRequiredService<ILogger<DevelopmentMessageSink>>()));
            }
        }

        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return services;
    }
}
