using Npgsql;
using ServicePortal.Core.Messaging;

namespace ServicePortal.Host.Web;

/// <summary>
/// Development only: what the portal "sent" (SMS and e-mail) so that a person trying the demo can read
/// their one-time code. <c>/dev/messages</c> is a page, <c>/dev/messages.json</c> the same as JSON, newest
/// first. Neither is mapped outside Development.
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

        endpoints.MapGet("/dev/messages.json", async (NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
            TypedResults.Ok((await Outbox.RecentAsync(dataSource, 100, null, cancellationToken).ConfigureAwait(false))
                .Select(m => new Sent(m.Recipient, m.Channel, m.Body, m.SentAt ?? m.CreatedAt))));
        return endpoints;
    }
}
