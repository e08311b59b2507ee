using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ServicePortal.DemoAgencies.PortalIdentity;

/// <summary>Registers the verifier, and lets an endpoint (or a group) require a verified portal identity.</summary>
public static class PortalIdentityEndpoints
{
    public static IServiceCollection AddPortalIdentityVerification(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PortalIdentityOptions>()
            .Bind(configuration.GetSection(PortalIdentityOptions.Section))
            .Validate(PortalIdentityOptions.IsValid,
                "DemoAgencies:PortalUrl and DemoAgencies:PortalIssuer must be absolute http(s) addresses, e.g. http://localhost:5000/.")
            .ValidateOnStart();
        services.AddHttpClient(PortalKeySet.HttpClientName, client =>
        {
            client.Timeout = TimeSpan.FromSeconds(10);
            // A JWKS is a few kilobytes; anything much bigger is not one.
            client.MaxResponseContentBufferSize = 1024 * 1024;
        });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PortalKeySet>();
        services.AddSingleton<PortalIdentityVerifier>();
        return services;
    }

    /// <summary>
    /// Answers 401 (problem details) unless the request carries a verified <c>Portal-Identity</c>; the handler then
    /// reads it with <see cref="GetVerifiedIdentity"/>.
    /// </summary>
    public static TBuilder RequirePortalIdentity<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (invocation, next) =>
        {
            var verifier = invocation.HttpContext.RequestServices.GetRequiredService<PortalIdentityVerifier>();
            var check = await verifier.VerifyAsync(invocation.HttpContext);
            return check.IsVerified ? await next(invocation) : check.ToProblem();
        });

    /// <summary>The identity verified by <see cref="RequirePortalIdentity"/> for this request.</summary>
    public static VerifiedIdentity GetVerifiedIdentity(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(typeof(PortalIdentityCheck), out var item) && item is PortalIdentityCheck { IsVerified: true } check
            ? check.Identity!
            : throw new InvalidOperationException("No verified portal identity: add RequirePortalIdentity() to the endpoint.");
    }
}
