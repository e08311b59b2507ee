using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using ServicePortal.Core.Database;

namespace ServicePortal.Gateway;

/// <summary>
/// Gateway: YARP in front of every agency backend, routes from the database, signed identity assertions, audit of proxied calls.
/// The host calls <see cref="AddGatewayModule"/> and <see cref="MapGatewayModule"/>; everything else the
/// module needs (endpoints, pages, SQL, jobs, validators) stays inside this project.
/// </summary>
public static class GatewayModule
{
    public const string Schema = "gateway";

    public static WebApplicationBuilder AddGatewayModule(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMigrationsFrom(typeof(GatewayModule).Assembly);
        return builder;
    }

    public static IEndpointRouteBuilder MapGatewayModule(this IEndpointRouteBuilder endpoints) => endpoints;
}
