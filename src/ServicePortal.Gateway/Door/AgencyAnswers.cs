using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Net.Http.Headers;
using ServicePortal.Gateway.Routing;

namespace ServicePortal.Gateway.Door;

/// <summary>
/// Which agency answers the portal refuses to pass on whole, because on the portal's origin they would act with its
/// authority or lend it its name:
/// <list type="bullet">
/// <item>Active content (a page, script, SVG or XML document, style sheet, or no type at all, which old browsers
/// sniff) for a browser that sends no fetch metadata (<c>Sec-Fetch-Site</c>): such a browser predates 2020 (an old
/// phone's) and may not honour the sandbox policy that is the only thing between an agency's script and the citizen's
/// session. It gets a short page in Kiswahili and English (406) instead; data (JSON, images, PDF, plain text) still
/// flows, so apps and downloads work. Every browser that sends fetch metadata honours <c>sandbox</c>.</item>
/// <item>A redirect out of the portal (another host, <c>//evil</c>, <c>/\evil</c>, a non-http scheme): the portal's
/// address must not become a link to anywhere an agency or an attacker chooses (phishing behind the portal's name).
/// It becomes a 502 ("the agency did not answer properly"). A redirect to the portal, by any of its names, is kept
/// inside the agency's own space (<see cref="ConfinedLocation"/>).</item>
/// </list>
/// </summary>
internal static class AgencyAnswers
{
    /// <summary>The status that replaces the answer, or null to pass it on (its headers still go through the allow-list).</summary>
    public static int? Refusal(HttpResponseMessage answer, HttpRequest request, GatewayEndpoint endpoint, PortalOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(request);
        var status = (int)answer.StatusCode;
        var location = answer.Headers.NonValidated.TryGetValues(HeaderNames.Location, out var values) ? values.ToString() : null;
        if (status is >= 300 and < 400 && location is not null)
        {
            // The browser follows the redirect and never shows the body.
            return ConfinedLocation(location, request, endpoint, origin) is null ? StatusCodes.Status502BadGateway : null;
        }

        if (status is < 200 or 204 or 304 || answer.Content is not { } content || content.Headers.ContentLength == 0 ||
            HasFetchMetadata(request))
        {
            return null;
        }

        return IsActive(content.Headers.NonValidated.TryGetValues(HeaderNames.ContentType, out var type) ? type.ToString() : null)
            ? StatusCodes.Status406NotAcceptable
            : null;
    }

    /// <summary>
    /// Whether the browser sent fetch metadata: every browser that does (Chrome 76, Firefox 90, Safari 16.4 and later)
    /// also honours the <c>sandbox</c> policy. Browsers send it only to secure origins, which the portal is (https, or
    /// localhost in development).
    /// </summary>
    public static bool HasFetchMetadata(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers.ContainsKey("Sec-Fetch-Site");
    }

    /// <summary>Whether a browser could run a document of this type, or guess one (no type, an unreadable type).</summary>
    public static bool IsActive(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed?.MediaType.Value is not { Length: > 0 } value)
        {
            return true;
        }

        var type = value.ToLowerInvariant();
        return type is "text/html" or "application/xhtml+xml" or "image/svg+xml" or "text/xml" or "application/xml" or "text/xsl"
                   or "text/css" or "application/x-shockwave-flash" or "multipart/x-mixed-replace"
               || type.EndsWith("+xml", StringComparison.Ordinal)
               || type.Contains("javascript", StringComparison.Ordinal) || type.Contains("ecmascript", StringComparison.Ordinal)
               || type.Contains("jscript", StringComparison.Ordinal) || type.Contains("vbscript", StringComparison.Ordinal)
               || type.Contains('*', StringComparison.Ordinal);
    }

    /// <summary>
    /// Where an agency's redirect may lead: the portal, by any of its names (<see cref="PortalOrigin"/>), any scheme or
    /// port, and there only inside the agency's own space <c>/agencies/{agency}/</c>. A path outside it (an agency unaware
    /// of its prefix writes <c>/done</c>; <c>../../account</c> climbs out; <c>https://portal/account</c>) is taken as
    /// relative to the endpoint and put under its prefix, so an agency can never send the citizen's browser to a portal
    /// page of its choosing. Anything else (another host, <c>//evil</c>, <c>/\evil</c>, credentials in the address, a
    /// scheme other than http and https, control characters): null.
    /// </summary>
    public static string? ConfinedLocation(string location, HttpRequest request, GatewayEndpoint endpoint, PortalOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(origin);
        // Browsers strip or skip such characters where .NET may not: "/\t/evil" is "//evil" to a browser.
        if (location.Length is 0 or > 4096 || location.AsSpan().IndexOfAnyInRange('\0', ' ') >= 0 || location.Contains('\u007f', StringComparison.Ordinal))
        {
            return null;
        }

        if (!Uri.TryCreate(UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path), UriKind.Absolute, out var here))
        {
            return null;
        }

        // A leading / or \ is a path (or //host, /\host: another host, as a browser reads them, \ being / in http
        // addresses), never a file name: Uri would read "/done" as file:///done on Linux. Uri, too, turns \ into /.
        if (location[0] is '/' or '\\' || !Uri.TryCreate(location, UriKind.Absolute, out var target))
        {
            if (!Uri.TryCreate(here, location, out target))
            {
                return null;
            }
        }

        if ((target.Scheme != Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttp) || target.UserInfo.Length > 0 ||
            !origin.IsPortal(target.Host, request))
        {
            return null;
        }

        var path = target.AbsolutePath;
        var rest = target.Query + target.Fragment;
        var space = $"/agencies/{endpoint.Agency}/";
        return path.StartsWith(space, StringComparison.Ordinal) && path.Length > space.Length
            ? path + rest
            : endpoint.Prefix + path + rest;
    }

    /// <summary>
    /// Writes what replaces a refused answer the door can explain itself (406: a page in both languages, Kiswahili
    /// first, or an RFC 9457 problem for a program); other refusals are left to the web shell's status pages.
    /// </summary>
    public static async Task WriteRefusalAsync(HttpContext context, int status)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        if (response.HasStarted || status != StatusCodes.Status406NotAcceptable)
        {
            return;
        }

        response.StatusCode = status;
        response.Headers.CacheControl = "no-store";
        var accept = context.Request.Headers.Accept.ToString();
        if (accept.Length > 0 && !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase) && !accept.Contains("*/*", StringComparison.Ordinal))
        {
            response.ContentType = "application/problem+json";
            await response.WriteAsync(Problem, context.RequestAborted);
            return;
        }

        response.ContentType = "text/html; charset=utf-8";
        await response.WriteAsync(Page, Encoding.UTF8, context.RequestAborted);
    }

    private const string SwahiliTitle = "Kivinjari chako hakiwezi kufungua ukurasa huu kwa usalama";
    private const string EnglishTitle = "Your browser cannot open this page safely";

    private static readonly string Page = $$"""
        <!doctype html>
        <html lang="sw"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{SwahiliTitle}} | {{EnglishTitle}}</title></head>
        <body>
        <h1>{{SwahiliTitle}}</h1>
        <p>Ukurasa huu unatoka kwenye mfumo wa taasisi, na kivinjari chako ni cha zamani mno kuweza kuuzuia usiguse akaunti yako ya
        ServicePortal. Tafadhali tumia kivinjari kilichosasishwa (kwa mfano Chrome, Firefox au Safari), au tumia huduma hii kupitia
        kurasa za ServicePortal zenyewe.</p>
        <p><a href="/">Rudi mwanzo</a></p>
        <hr>
        <h2 lang="en">{{EnglishTitle}}</h2>
        <p lang="en">This page comes from an agency's system, and your browser is too old to keep it away from your ServicePortal
        account. Please use an up-to-date browser (for example Chrome, Firefox or Safari), or use this service through the
        portal's own pages.</p>
        <p lang="en"><a href="/">Back to the home page</a></p>
        </body></html>
        """;

    private static readonly string Problem = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["type"] = "urn:serviceportal:problem:gateway-active-content",
        ["title"] = $"{SwahiliTitle} / {EnglishTitle}",
        ["status"] = StatusCodes.Status406NotAcceptable,
        ["detail"] = "Maudhui ya taasisi yanayoweza kuendesha msimbo hutolewa tu kwa vivinjari vinavyotuma Sec-Fetch-Site. / " +
                     "An agency's active content is served only to browsers that send Sec-Fetch-Site.",
    });
}
