using ServicePortal.DemoAgencies.PortalIdentity;

namespace ServicePortal.DemoAgencies;

/// <summary>What every agency backend exposes to the portal, whatever else it does.</summary>
internal static class CommonEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints, DemoAgency agency)
    {
        endpoints.MapGet("/", () => TypedResults.Ok(new AgencyInfo(agency.Code, agency.NameSw, agency.NameEn)));
        endpoints.MapGet("/health", () => TypedResults.Ok(new HealthReport("healthy", agency.Code)));

        // Who the portal says the caller is, as verified from the Portal-Identity assertion: a way for an agency's
        // developers to see what their own code will receive. Without a verifiable assertion: 401.
        endpoints.MapGet("/whoami", (HttpContext context) =>
        {
            var identity = context.GetVerifiedIdentity();
            return TypedResults.Ok(new WhoAmI(
                identity.Subject,
                identity.Nin,
                identity.AssuranceLevel,
                identity.AuthenticationMethods,
                identity.Name,
                identity.Issuer,
                identity.Audience,
                identity.ExpiresAt.ToUnixTimeSeconds(),
                identity.TokenId,
                identity.PortalRequestId,
                context.Request.Headers["X-Request-Id"].FirstOrDefault()));
        }).RequirePortalIdentity();
    }

    public sealed record AgencyInfo(string Code, string NameSw, string NameEn);

    public sealed record HealthReport(string Status, string Agency);

    /// <summary>The verified claims under their JWT names, plus the <c>X-Request-Id</c> this request arrived with.</summary>
    public sealed record WhoAmI(
        string Sub,
        string? Nin,
        string Acr,
        IReadOnlyList<string> Amr,
        string? Name,
        string Iss,
        string Aud,
        long Exp,
        string Jti,
        string? Rid,
        string? RequestId);
}
