namespace ServicePortal.Core.Identity;

/// <summary>
/// Claim types the portal's tokens, sessions and assertions carry and other modules read, spelled once. The
/// identity module sets them; the catalogue, requests and gateway modules read them by these names.
/// </summary>
public static class PortalClaims
{
    /// <summary>The NIN (formatted in an agency assertion, digits in an ID token), only with its scope or entitlement.</summary>
    public const string Nin = "nin";

    /// <summary>The agency an agency backend's client is bound to (client credentials tokens).</summary>
    public const string Agency = "agency";

    /// <summary>The account id in the portal's own session (never leaves the portal).</summary>
    public const string AccountId = "account_id";

    /// <summary>A staff role (<see cref="Staff.StaffRoles"/>), one claim per role.</summary>
    public const string Role = "role";

    /// <summary>The person's name as the session shows it.</summary>
    public const string Name = "name";

    /// <summary>How the person signed in: the assurance level (<see cref="PortalAssurance"/>).</summary>
    public const string Acr = "acr";

    /// <summary>How the person signed in: the methods (<c>pwd</c>, <c>sms</c>, <c>otp</c>, <c>mfa</c>).</summary>
    public const string Amr = "amr";

    /// <summary>The scopes of a token as it is written (one space-separated value).</summary>
    public const string Scope = "scope";

    /// <summary>The scopes of a token once OpenIddict's validation has read it (one claim each).</summary>
    public const string ValidatedScopes = "oi_scp";
}

/// <summary>The assurance levels a sign-in reaches, as published in discovery and sent in <c>acr</c>.</summary>
public static class PortalAssurance
{
    /// <summary>Password only.</summary>
    public const string Low = "urn:serviceportal:loa:low";

    /// <summary>Password and a second factor (SMS code or authenticator app).</summary>
    public const string Substantial = "urn:serviceportal:loa:substantial";
}

/// <summary>
/// Names of the identity module's authentication scheme and policy that other modules' endpoints and pages ask for
/// (modules do not reference the identity module, so they use these).
/// </summary>
public static class PortalAuthorization
{
    /// <summary>OpenIddict's validation scheme (<c>OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme</c>): bearer access tokens.</summary>
    public const string TokenScheme = "OpenIddict.Validation.AspNetCore";

    /// <summary>Signed in with two factors and holding at least one staff role.</summary>
    public const string StaffPolicy = "staff";
}
