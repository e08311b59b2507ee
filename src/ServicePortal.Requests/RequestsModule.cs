using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using ServicePortal.Core.Database;

namespace ServicePortal.Requests;

/// <summary>
/// Requests: applications, the agency connector, status sync jobs, timelines and notices.
/// The host calls <see cref="AddRequestsModule"/> and <see cref="MapRequestsModule"/>; everything else the
/// module needs (endpoints, pages, SQL, jobs, validators) stays inside this project.
/// </summary>
public static class RequestsModule
{
    public const string Schema = "requests";

    public static WebApplicationBuilder AddRequestsModule(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMigrationsFrom(typeof(RequestsModule).Assembly);
        return builder;
    }

    public static IEndpointRouteBuilder MapRequestsModule(this IEndpointRouteBuilder endpoints) => endpoints;
}
