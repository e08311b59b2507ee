using Microsoft.AspNetCore.Http;

namespace ServicePortal.Identity.Registration;

/// <summary>
/// Which registration in progress this browser is in: its id (random, unguessable), in an HTTP-only cookie
/// for the account pages only. The row it names expires on its own after half an hour.
/// </summary>
public static class RegistrationCookie
{
    private const string Name = "portal_registration";

    public static void Set(HttpContext context, Guid id)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Cookies.Append(Name, id.ToString("N"), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/account",
            MaxAge = TimeSpan.FromMinutes(30),
            IsEssential = true,
        });
    }

    public static Guid? Get(HttpContext context) =>
        Guid.TryParseExact(context?.Request.Cookies[Name], "N", out var id) ? id : null;

    public static void Clear(HttpContext context) =>
        context?.Response.Cookies.Delete(Name, new CookieOptions { Path = "/account" });
}
