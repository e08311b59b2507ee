using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using ServicePortal.Core.Database;

namespace ServicePortal.Identity;

/// <summary>
/// Identity: the OpenID Connect provider keyed on the national ID number (OpenIddict), accounts, second factors, consent, staff roles.
/// The host calls <see cref="AddIdentityModule"/> and <see cref="MapIdentityModule"/>; everything else the
/// module needs (endpoints, pages, SQL, jobs, validators) stays inside this project.
/// </summary>
public static class IdentityModule
{
    public const string Schema = "identity";

    public static WebApplicationBuilder AddIdentityModule(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMigrationsFrom(typeof(IdentityModule).Assembly);
        return builder;
    }

    public static IEndpointRouteBuilder MapIdentityModule(this IEndpointRouteBuilder endpoints) => endpoints;
}
