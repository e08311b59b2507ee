using System.Text;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace ServicePortal.Gateway.Door;

/// <summary>
/// Cookies between a browser and an agency, kept apart from the portal's and from every other agency's. An
/// agency's <c>Set-Cookie</c> is renamed into the endpoint's namespace (<c>ag.{agency}.{endpoint}.{name}</c>),
/// its <c>Path</c> is put under the endpoint's prefix and its <c>Domain</c> removed; on the way in, only the
/// cookies of that namespace are forwarded, under their own names. So an agency can neither read nor
/// overwrite <c>portal_session</c>, nor another agency's cookies.
/// </summary>
internal static class AgencyCookies
{
    public static string Namespace(string agency, string endpoint) => $"ag.{agency}.{endpoint}.";

    /// <summary>The request's <c>Cookie</c> header as the agency should see it, or null when none is theirs.</summary>
    public static string? ForAgency(StringValues cookieHeaders, string prefix)
    {
        StringBuilder? forwarded = null;
        foreach (var header in cookieHeaders)
        {
            if (header is null)
            {
                continue;
            }

            foreach (var part in header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (part.StartsWith(prefix, StringComparison.Ordinal) && part.Length > prefix.Length && part[prefix.Length] != '=')
                {
                    forwarded ??= new StringBuilder();
                    if (forwarded.Length > 0)
                    {
                        forwarded.Append("; ");
                    }

                    forwarded.Append(part, prefix.Length, part.Length - prefix.Length);
                }
            }
        }

        return forwarded?.ToString();
    }

    /// <summary>Cookies one agency answer may set, at most; the rest are dropped.</summary>
    public const int MaxPerAnswer = 10;

    /// <summary>The size of one cookie as set (name, value and attributes), at most, in bytes (RFC 6265's minimum).</summary>
    public const int MaxBytes = 4096;

    /// <summary>
    /// Names the portal uses or that browsers give a meaning to: never taken from an agency, even inside its namespace,
    /// so no cookie an agency sets can be mistaken for the portal's own by a person, a tool or a careless rule.
    /// </summary>
    private static readonly string[] ReservedNames = ["portal_", ".AspNetCore.", "__Host-", "__Secure-"];

    /// <summary>
    /// An agency's <c>Set-Cookie</c> rewritten into its namespace and path, or null to drop it: a name of the portal's
    /// own, or a cookie larger than <see cref="MaxBytes"/>. Always <c>HttpOnly</c> (an agency's page is sandboxed to an
    /// opaque origin and cannot read cookies anyway), <c>SameSite</c> at least <c>Lax</c>, <c>Secure</c> when the
    /// portal's cookies are, no <c>Domain</c>, and a <c>Path</c> under the endpoint's prefix (a path that is not plain,
    /// dot segments or escapes, becomes the prefix itself).
    /// </summary>
    public static string? FromAgency(string setCookie, string prefix, string pathPrefix, bool secure)
    {
        ArgumentNullException.ThrowIfNull(setCookie);
        if (setCookie.Length > MaxBytes || !SetCookieHeaderValue.TryParse(setCookie, out var cookie) || StringSegment.IsNullOrEmpty(cookie.Name))
        {
            return null;
        }

        var own = cookie.Name.Value!;
        if (Array.Exists(ReservedNames, reserved => own.StartsWith(reserved, StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        cookie.Name = prefix + own;
        var path = cookie.Path.HasValue && PlainPath(cookie.Path.Value!) ? cookie.Path.Value! : "/";
        cookie.Path = pathPrefix + (path == "/" ? "/" : path);
        cookie.Domain = null;
        cookie.HttpOnly = true;
        cookie.Secure |= secure;
        if (cookie.SameSite is not (Microsoft.Net.Http.Headers.SameSiteMode.Lax or Microsoft.Net.Http.Headers.SameSiteMode.Strict))
        {
            cookie.SameSite = Microsoft.Net.Http.Headers.SameSiteMode.Lax;
        }

        var rewritten = cookie.ToString();
        return Encoding.UTF8.GetByteCount(rewritten) <= MaxBytes ? rewritten : null;
    }

    private static bool PlainPath(string path)
    {
        if (!path.StartsWith('/') || path.Contains("//", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in path)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.' or '~'))
            {
                return false;
            }
        }

        return !path.Split('/').Any(segment => segment is "." or "..");
    }
}
