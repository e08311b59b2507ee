using Microsoft.AspNetCore.Http;

namespace ServicePortal.Identity.Session;

/// <summary>
/// How the module's cookies are marked. <see cref="Secure"/> is on everywhere but Development
/// (<see cref="Core.Security.SecureCookies"/>, the rule the web shell's cookie policy follows too): behind a load balancer that ends TLS the node sees plain HTTP,
/// yet the browser speaks HTTPS, so "Secure when the request was HTTPS" would leave them off.
/// </summary>
public sealed record IdentityCookies(bool Secure)
{
    public CookieSecurePolicy Policy => Secure ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;

    /// <summary>An HTTP-only cookie for this path and lifetime, Secure as configured (or when the request is HTTPS).</summary>
    public CookieOptions Options(HttpContext context, string path, TimeSpan maxAge, SameSiteMode sameSite = SameSiteMode.Lax)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new CookieOptions
        {
            HttpOnly = true,
            Secure = Secure || context.Request.IsHttps,
            SameSite = sameSite,
            Path = path,
            MaxAge = maxAge,
            IsEssential = true,
        };
    }
}
