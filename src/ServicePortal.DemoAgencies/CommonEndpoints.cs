namespace ServicePortal.DemoAgencies;

/// <summary>What every agency backend exposes to the portal, whatever else it does.</summary>
internal static class CommonEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints, DemoAgency agency)
    {
        endpoints.MapGet("/", () => TypedResults.Ok(new AgencyInfo(agency.Code, agency.NameSw, agency.NameEn)));
        endpoints.MapGet("/health", () => TypedResults.Ok(new HealthReport("healthy", agency.Code)));

        // Who the portal says the caller is. Until the gateway signs identity assertions (Portal-Identity),
        // nothing can be verified, and an agency must never trust an identity it cannot verify: always 401.
        endpoints.MapGet("/whoami", () => TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "No verified identity",
            detail: "The request carries no Portal-Identity assertion this agency can verify.",
            type: "urn:serviceportal:problem:identity-missing"));
    }

    public sealed record AgencyInfo(string Code, string NameSw, string NameEn);

    public sealed record HealthReport(string Status, string Agency);
}
