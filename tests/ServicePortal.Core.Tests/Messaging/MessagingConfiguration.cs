using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using ServicePortal.Core.Messaging;

namespace ServicePortal.Core.Tests.Messaging;

/// <summary>The senders <see cref="MessagingSetup.AddPortalMessaging"/> registers for these settings.</summary>
internal static class MessagingConfiguration
{
    public static ServiceProvider Build(IDictionary<string, string?> settings, string environment = "Production")
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPortalMessaging(configuration, new HostingEnvironment { EnvironmentName = environment });
        return services.BuildServiceProvider();
    }

    public static IMessageSender Sender(this ServiceProvider services, string channel) =>
        services.GetServices<IMessageSender>().Single(s => s.Channel == channel);

    public static OutboxMessage Message(string channel, string recipient, string? subject, string body) =>
        new(1, Guid.NewGuid(), channel, recipient, subject, body, "test.purpose", DateTime.UtcNow, 1, null, null);
}
