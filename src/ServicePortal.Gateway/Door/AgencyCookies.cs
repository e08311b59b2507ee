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
public static class AgencyCookies
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

    /// <summary>An agency's <c>Set-Cookie</c> rewritten into its namespace and path, or null to drop it.</summary>
    public static string? FromAgency(string setCookie, string prefix, string pathPrefix)
    {
        if (!SetCookieHeaderValue.TryParse(setCookie, out var cookie) || StringSegment.IsNullOrEmpty(cookie.Name))
        {
            return null;
        }

        cookie.Name = prefix + cookie.Name.Value;
        var path = cookie.Path.HasValue && cookie.Path.Value!.StartsWith('/') ? cookie.Path.Value : "/";
        cookie.Path = pathPrefix + (path == "/" ? "/" : path);
        cookie.Domain = null;
        return cookie.ToString();
    }
}
