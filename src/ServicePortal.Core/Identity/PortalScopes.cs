using System.Security.Claims;

namespace ServicePortal.Core.Identity;

/// <summary>
/// The OAuth scopes the portal defines beyond OpenID Connect's own, spelled once: the identity module registers
/// and grants them, and each module that serves an API checks its own (the gateway <see cref="Gateway"/>, the
/// citizen requests API <see cref="Requests"/>, the onboarding API <see cref="AgencyManage"/>, the status push
/// <see cref="AgencyRequests"/>). Modules depend on Core, never on the identity module, so the contract lives here.
/// </summary>
public static class PortalScopes
{
    /// <summary>The NIN in the ID token and user info, for clients allowed it, after consent.</summary>
    public const string NationalId = "national_id";

    /// <summary>An app's access token may call agencies through the gateway.</summary>
    public const string Gateway = "gateway";

    /// <summary>A citizen's app may see and send their applications.</summary>
    public const string Requests = "requests";

    /// <summary>An agency backend (client credentials) manages its catalogue entries.</summary>
    public const string AgencyManage = "agency.manage";

    /// <summary>An agency backend (client credentials) reports its applications' statuses.</summary>
    public const string AgencyRequests = "agency.requests";

    /// <summary>
    /// Whether a validated access token carries <paramref name="scope"/>: OpenIddict's validation puts the scopes in
    /// <see cref="PortalClaims.ValidatedScopes"/> claims, one each; the token itself has one space-separated
    /// <see cref="PortalClaims.Scope"/> claim. Both are read.
    /// </summary>
    public static bool Granted(ClaimsPrincipal user, string scope)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Claims
            .Where(claim => claim.Type is PortalClaims.ValidatedScopes or PortalClaims.Scope)
            .SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Contains(scope, StringComparer.Ordinal);
    }
}
