using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ServicePortal.Catalog.Api;
using ServicePortal.Catalog.Browse;
using ServicePortal.Catalog.Caching;
using ServicePortal.Catalog.Changes;
using ServicePortal.Catalog.Export;
using ServicePortal.Catalog.Forms;
using ServicePortal.Catalog.Onboarding;
using ServicePortal.Catalog.Pages.Admin;
using ServicePortal.Catalog.Search;
using ServicePortal.Catalog.Seed;
using ServicePortal.Core.Catalog;
using ServicePortal.Core.Database;
using ServicePortal.Core.Security;

namespace ServicePortal.Catalog;

/// <summary>
/// Catalog: agencies, their endpoints and services, categories, life events, search, the public catalogue
/// API and pages (home, results, service, agency), the CPSV-AP export, the agency onboarding API, the
/// administrator's approval pages, and the application form engine (Forms/: reading, checking and drawing a service's
/// form, and checking answers to it), so onboarding, approval and the apply page use one checker. The host calls <see cref="AddCatalogModule"/> and <see cref="MapCatalogModule"/>;
/// everything else the module needs (endpoints, pages, SQL, jobs, validators) stays inside this project.
/// </summary>
public static class CatalogModule
{
    public const string Schema = "catalog";

    public static WebApplicationBuilder AddCatalogModule(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMigrationsFrom(typeof(CatalogModule).Assembly);

        var seedByDefault = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<CatalogOptions>()
            .Configure(o => o.SeedDemoData = seedByDefault)
            .Bind(builder.Configuration.GetSection("Catalog"))
            .Validate(o => o.VersionCheckInterval >= TimeSpan.FromSeconds(1) && o.VersionCheckInterval <= TimeSpan.FromHours(1),
                "Catalog:VersionCheckInterval must be between 00:00:01 and 01:00:00.")
            .Validate(o => o.SearchLimit.PermitLimit is >= 1 and <= 1_000_000,
                "Catalog:SearchLimit:PermitLimit must be between 1 and 1000000.")
            .Validate(o => o.SearchLimit.Window >= TimeSpan.FromSeconds(1) && o.SearchLimit.Window <= TimeSpan.FromDays(1),
                "Catalog:SearchLimit:Window must be between 00:00:01 and 1.00:00:00.")
            .ValidateOnStart();
        builder.Services.AddRateLimiter(options => options.AddPolicy<string, SearchLimit>(SearchLimit.PolicyName));

        builder.Services.AddSingleton(sp => new CatalogCache(sp.GetRequiredService<IOptions<CatalogOptions>>().Value.CacheReads));
        builder.Services.AddSingleton<CatalogReader>();
        builder.Services.AddSingleton<IAgencyEndpointCatalog, EndpointCatalog>();
        builder.Services.AddSingleton<ServiceSearch>();
        builder.Services.AddSingleton<ServiceChanges>();
        builder.Services.AddSingleton<AgencyChanges>();
        builder.Services.AddSingleton<CatalogExport>();
        builder.Services.AddSingleton<AgencyProposals>();
        builder.Services.AddSingleton<ApplicationForms>();
        builder.Services.AddCatalogAdministration();
        // Where an agency's endpoint may point (the proposal's rule; the gateway and the connector check again).
        builder.Services.AddAgencyDestinations(builder.Configuration, builder.Environment);
        builder.Services.AddValidatorsFromAssemblyContaining<SearchInputValidator>(ServiceLifetime.Singleton);
        // Seeding (when on) finishes before the host serves its first request; the listener runs for the host's life.
        builder.Services.AddHostedService<DemoCatalogSeeder>();
        builder.Services.AddHostedService<CatalogChangeListener>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCatalogModule(this IEndpointRouteBuilder endpoints)
    {
        // The pages (Pages/) are Razor Pages of this class library, mapped with the host's MapRazorPages.
        return endpoints.MapCatalogApi().MapOnboardingApi();
    }
}
