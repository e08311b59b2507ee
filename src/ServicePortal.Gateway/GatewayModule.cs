using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using ServicePortal.Core.Database;
using ServicePortal.Core.Security;
using ServicePortal.Gateway.Audit;
using ServicePortal.Gateway.Door;
using ServicePortal.Gateway.Routing;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace ServicePortal.Gateway;

/// <summary>
/// Gateway: the one door to every agency backend. YARP forwards <c>/agencies/{agency}/{endpoint}/{**rest}</c> to
/// the endpoint's destinations, with routes read from the catalogue and rebuilt on every node when it changes;
/// the door in front of it decides who may pass and adds the signed identity assertion; every call is audited.
/// The host calls <see cref="AddGatewayModule"/> and <see cref="MapGatewayModule"/>; everything else the
/// module needs (endpoints, pages, SQL, jobs, validators) stays inside this project.
/// </summary>
public static class GatewayModule
{
    public const string Schema = "gateway";

    public static WebApplicationBuilder AddGatewayModule(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddMigrationsFrom(typeof(GatewayModule).Assembly);
        services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection("Gateway"))
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<GatewayRoutes>();
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<GatewayRoutes>());
        services.AddSingleton<IConfigChangeListener>(sp => sp.GetRequiredService<GatewayRoutes>());
        services.AddSingleton<Core.Identity.IAgencyEntitlements>(sp => sp.GetRequiredService<GatewayRoutes>());
        services.AddHostedService<GatewayRouteReloader>();
        services.AddSingleton<GatewayRateLimits>();
        services.AddSingleton<GatewayDoor>();
        services.AddSingleton(PortalOrigin.From(builder.Configuration, builder.Environment));
        services.AddSingleton<ProxyAudit>();
        services.AddSingleton<IAgencyCallAudit>(sp => sp.GetRequiredService<ProxyAudit>());
        services.AddHostedService<AuditWriter>();
        services.AddSingleton<Core.Audit.IAuditChainVerifier, AuditChainVerifier>();
        services.AddSingleton<Core.Audit.ICitizenAgencyCalls, CitizenAgencyCalls>();
        services.AddAgencyDestinations(builder.Configuration, builder.Environment);
        services.AddReverseProxy().AddTransforms<GatewayTransforms>();
        // YARP's clients to the agencies, with the connect-time check of the destination's addresses.
        services.Replace(ServiceDescriptor.Singleton<IForwarderHttpClientFactory, AgencyForwarderClients>());
        if (builder.Environment.IsDevelopment())
        {
            services.AddHostedService<DemoEntitlements>();
        }

        return builder;
    }

    public static IEndpointRouteBuilder MapGatewayModule(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var door = endpoints.ServiceProvider.GetRequiredService<GatewayDoor>();
        endpoints.MapReverseProxy(proxy =>
        {
            proxy.Use(door.InvokeAsync);
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });

        // What no route took: an agency or endpoint the portal does not know (404), or one it knows but that is
        // suspended, disabled or not valid now (503). The status pages say it in the caller's language.
        endpoints.Map("/agencies/{agency}/{**rest}", (HttpContext context, string agency, string? rest, GatewayRoutes routes) =>
        {
            RequestIds.Establish(context);
            var name = rest?.Split('/', 2)[0];
            return routes.Current.Explain(agency, string.IsNullOrEmpty(name) ? null : name) == Unrouted.Unavailable
                ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
                : Results.StatusCode(StatusCodes.Status404NotFound);
        }).ExcludeFromDescription();
        return endpoints;
    }
}
