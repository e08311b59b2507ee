using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using ServicePortal.Identity.Accounts;

namespace ServicePortal.Identity.Session;

/// <summary>The assurance levels a sign-in reaches, as published in discovery and sent in <c>acr</c>.</summary>
public static class Assurance
{
    /// <summary>Password only.</summary>
    public const string Low = "urn:serviceportal:loa:low";

    /// <summary>Password and a second factor (SMS code or authenticator app).</summary>
    public const string Substantial = "urn:serviceportal:loa:substantial";

    public static int Rank(string? acr) => acr switch
    {
        Substantial => 2,
        Low => 1,
        _ => 0,
    };
}

/// <summary>
/// The portal's browser session: an encrypted, HTTP-only cookie holding the account id, its security stamp,
/// how the person signed in (<c>amr</c>, <c>acr</c>, <c>auth_time</c>) and their staff roles. Every request
/// checks the stamp against the account, kept for a few seconds per node by <see cref="SessionAccounts"/> and
/// evicted on every node when it changes, so a password reset ends every session at once, on every node.
/// </summary>
public static class PortalSession
{
    public const string Scheme = "portal";

    /// <summary>Between a right password and the second factor: ten minutes, nothing else allowed.</summary>
    public const string PendingScheme = "portal.pending";

    public const string AccountIdClaim = "account_id";
    public const string StampClaim = "stamp";
    public const string AmrClaim = "amr";
    public const string AcrClaim = "acr";
    public const string AuthTimeClaim = "auth_time";
    public const string NameClaim = "name";
    public const string RoleClaim = "role";

    public static ClaimsPrincipal Principal(Account account, IEnumerable<string> methods, string acr, DateTimeOffset authTime,
        IEnumerable<AccountRole> roles, string scheme = Scheme)
    {
        ArgumentNullException.ThrowIfNull(account);
        var identity = new ClaimsIdentity(scheme, NameClaim, RoleClaim);
        identity.AddClaim(new Claim(AccountIdClaim, account.Id.ToString()));
        identity.AddClaim(new Claim(StampClaim, account.SecurityStamp.ToString()));
        identity.AddClaim(new Claim(NameClaim, account.FullName));
        identity.AddClaim(new Claim(AcrClaim, acr));
        identity.AddClaim(new Claim(AuthTimeClaim, authTime.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        foreach (var method in methods.Distinct())
        {
            identity.AddClaim(new Claim(AmrClaim, method));
        }

        foreach (var role in roles)
        {
            identity.AddClaim(new Claim(RoleClaim, role.AgencyCode.Length == 0 ? role.Role : $"{role.Role}:{role.AgencyCode}"));
        }

        return new ClaimsPrincipal(identity);
    }

    public static Guid? AccountId(ClaimsPrincipal? user) =>
        Guid.TryParse(user?.FindFirst(AccountIdClaim)?.Value, out var id) ? id : null;

    public static string? Acr(ClaimsPrincipal? user) => user?.FindFirst(AcrClaim)?.Value;

    public static DateTimeOffset? AuthTime(ClaimsPrincipal? user) =>
        long.TryParse(user?.FindFirst(AuthTimeClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    public static void ConfigureCookie(CookieAuthenticationOptions options, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Cookie.Name = "portal_session";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax; // the OIDC redirect back from another site must carry it
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.ExpireTimeSpan = lifetime;
        options.SlidingExpiration = true;
        options.LoginPath = "/account/sign-in";
        options.LogoutPath = "/account/sign-out";
        // Not allowed: answer 403 in place (the localized error page), rather than redirect to a page.
        options.Events.OnRedirectToAccessDenied = context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        };
        options.ReturnUrlParameter = "returnUrl";
        options.Events.OnValidatePrincipal = ValidateStampAsync;
    }

    /// <summary>A session whose account is gone or whose stamp changed (new password) is ended.</summary>
    private static async Task ValidateStampAsync(CookieValidatePrincipalContext context)
    {
        var id = AccountId(context.Principal);
        var stamp = context.Principal?.FindFirst(StampClaim)?.Value;
        // Read through this node's cache: a change to the account evicts it on every node (NOTIFY).
        var accounts = context.HttpContext.RequestServices.GetService(typeof(SessionAccounts)) as SessionAccounts;
        var account = id is null || accounts is null
            ? null
            : await accounts.GetAsync(id.Value, context.HttpContext.RequestAborted).ConfigureAwait(false);
        if (account is null || account.SecurityStamp.ToString() != stamp)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(context.Scheme.Name).ConfigureAwait(false);
            return;
        }

        // Whoever needs the account later in this request (the gateway's assertion) need not read it again.
        context.HttpContext.Items[typeof(Account)] = account;
    }
}
