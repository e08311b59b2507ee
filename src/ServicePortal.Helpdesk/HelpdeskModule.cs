using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using ServicePortal.Core.Database;

namespace ServicePortal.Helpdesk;

/// <summary>
/// Helpdesk: tickets, lookups with stated reasons, escalations to agencies, SLA queues.
/// The host calls <see cref="AddHelpdeskModule"/> and <see cref="MapHelpdeskModule"/>; everything else the
/// module needs (endpoints, pages, SQL, jobs, validators) stays inside this project.
/// </summary>
public static class HelpdeskModule
{
    public const string Schema = "helpdesk";

    public static WebApplicationBuilder AddHelpdeskModule(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMigrationsFrom(typeof(HelpdeskModule).Assembly);
        return builder;
    }

    public static IEndpointRouteBuilder MapHelpdeskModule(this IEndpointRouteBuilder endpoints) => endpoints;
}
