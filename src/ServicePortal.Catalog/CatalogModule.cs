using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using ServicePortal.Core.Database;

namespace ServicePortal.Catalog;

/// <summary>
/// Catalog: agencies, their endpoints and services, categories, life events, search, the agency onboarding API.
/// The host calls <see cref="AddCatalogModule"/> and <see cref="MapCatalogModule"/>; everything else the
/// module needs (endpoints, pages, SQL, jobs, validators) stays inside this project.
/// </summary>
public static class CatalogModule
{
    public const string Schema = "catalog";

    public static WebApplicationBuilder AddCatalogModule(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMigrationsFrom(typeof(CatalogModule).Assembly);
        return builder;
    }

    public static IEndpointRouteBuilder MapCatalogModule(this IEndpointRouteBuilder endpoints) => endpoints;
}
