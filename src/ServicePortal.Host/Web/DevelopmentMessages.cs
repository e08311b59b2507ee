using Npgsql;
using ServicePortal.Core.Messaging;

namespace ServicePortal.Host.Web;

/// <summary>
/// Development only: what the portal "sent" (SMS and e-mail) so that a person trying the demo can read
/// their one-time code. <c>/dev/messages</c> is a page, <c>/dev/messages.json</c> the same as JSON, newest
/// first. Neither is mapped outside Development. The outbox lists the messages; a code is masked there once sent
/// (as everywhere), so a sent message is shown as the development sender sent it (<see cref="DevelopmentMessageBox"/>).
/// </summary>
public static class DevelopmentMessages
{
    public sealed record Sent(string To, string Channel, string Body, DateTime SentAt);

    public static IEndpointRouteBuilder MapDevelopmentMessages(this IEndpointRouteBuilder endpoints)
    {
        if (!endpoints.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            return endpoints;
        }

        endpoints.MapGet("/dev/messages.json", async (NpgsqlDataSource dataSource, IServiceProvider services, CancellationToken cancellationToken) =>
            TypedResults.Ok((await ListRecentAsync(dataSource, services, 100, cancellationToken))
                .Select(m => new Sent(m.Recipient, m.Channel, m.Body, m.SentAt ?? m.CreatedAt))));
        return endpoints;
    }

    /// <summary>The newest messages, each as it was (or will be) sent.</summary>
    public static async Task<IReadOnlyList<OutboxMessage>> ListRecentAsync(NpgsqlDataSource dataSource, IServiceProvider services, int count,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var box = services.GetService<DevelopmentMessageBox>();
        var messages = await Outbox.ListRecentAsync(dataSource, count, null, cancellationToken);
        return [.. messages.Select(m => m.SentAt is not null && box?.Find(m.MessageId) is { } sent ? m with { Body = sent.Body } : m)];
    }
}
