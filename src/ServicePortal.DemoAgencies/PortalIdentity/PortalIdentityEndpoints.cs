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
                "DemoAgencies:PortalUrl and DemoAgencies:PortalIssuer must be absolute http(s) addresses, e.g. http://localhost:5000/, and DemoAgencies:JwksTimeout between 0 and 5 minutes.")
            .ValidateOnStart();
        services.AddHttpClient(PortalKeySet.HttpClientName).ConfigureHttpClient((provider, client) =>
        {
            client.Timeout = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<PortalIdentityOptions>>().Value.JwksTimeout;
            // A JWKS is a few kilobytes; anything much bigger is not one.
            client.MaxResponseContentBufferSize = 1024 * 1024;
        });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PortalKeySet>();
        services.AddSingleton<PortalIdentityVerifier>();
        return services;
    }

    /// <summary>
    /// Answers 401 (problem details) unless the request carries a verified citizen <c>Portal-Identity</c>
    /// (<c>typ</c> <c>portal-identity+jwt</c>); the handler then reads it with <see cref="GetVerifiedIdentity"/>.
    /// The portal's service assertion is refused here: it speaks for no citizen.
    /// </summary>
    public static TBuilder RequirePortalIdentity<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.Require(PortalAssertionKind.Citizen);

    /// <summary>
    /// Answers 401 (problem details) unless the request carries the portal's own service assertion
    /// (<c>typ</c> <c>portal-service+jwt</c>, <c>sub</c> <c>serviceportal</c>), for endpoints the portal calls on its own
    /// behalf, such as batch status; the handler reads it with <see cref="GetVerifiedService"/>. A citizen's assertion
    /// is refused here, so a citizen cannot read other people's applications through the gateway.
    /// </summary>
    public static TBuilder RequirePortalService<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.Require(PortalAssertionKind.Service);

    private static TBuilder Require<TBuilder>(this TBuilder builder, PortalAssertionKind kind) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (invocation, next) =>
        {
            var verifier = invocation.HttpContext.RequestServices.GetRequiredService<PortalIdentityVerifier>();
            var check = await verifier.VerifyAsync(invocation.HttpContext, kind);
            return check.IsVerified ? await next(invocation) : check.ToProblem();
        });

    /// <summary>The citizen verified by <see cref="RequirePortalIdentity"/> for this request.</summary>
    public static VerifiedIdentity GetVerifiedIdentity(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return PortalIdentityVerifier.Earlier(context, PortalAssertionKind.Citizen)?.Identity
            ?? throw new InvalidOperationException("No verified portal identity: add RequirePortalIdentity() to the endpoint.");
    }

    /// <summary>The portal service verified by <see cref="RequirePortalService"/> for this request.</summary>
    public static VerifiedPortalService GetVerifiedService(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return PortalIdentityVerifier.Earlier(context, PortalAssertionKind.Service)?.Service
            ?? throw new InvalidOperationException("No verified portal service: add RequirePortalService() to the endpoint.");
    }
}
