using System.Collections.Frozen;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using ServicePortal.Core.Identity;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ServicePortal.Gateway.Door;

/// <summary>
/// What crosses the door, both ways. To the agency: none of the portal's credentials (<c>Cookie</c> except the
/// agency's own, <c>Authorization</c>), no identity or forwarding header a client made up (nor any header spelled
/// with an underscore, which some servers read as its dashed twin), and in their place the signed
/// <c>Portal-Identity</c>, the portal's request id and <c>X-Forwarded-*</c> set by the portal. Back to the browser:
/// only an allow-list of headers that describe the answer, the agency's cookies confined to its namespace and path,
/// a redirect kept inside its own space and no active content for browsers without fetch metadata
/// (<see cref="AgencyAnswers"/>), and the portal's own sandboxing policy, so that an agency's page never runs with
/// the portal's authority. YARP itself drops hop-by-hop headers in both directions.
/// </summary>
internal sealed class GatewayTransforms(PortalOrigin origin) : ITransformProvider
{
    /// <summary>Headers a client could send to pose as the portal or as a proxy: never forwarded as sent.</summary>
    private static readonly string[] RequestHeadersRemoved =
    [
        HeaderNames.Cookie, HeaderNames.Authorization, HeaderNames.ProxyAuthorization, IIdentityAssertions.HeaderName,
        RequestIds.HeaderName, RequestIds.ClientHeaderName, "Forwarded", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
        "X-Forwarded-Prefix", "X-Forwarded-Port", "X-Forwarded-Server", "X-Real-IP", "X-Client-IP", "True-Client-IP",
        "CF-Connecting-IP", "X-Original-URL", "X-Rewrite-URL", "X-Original-Host", "X-Original-For", "X-Original-Proto",
    ];

    /// <summary>
    /// The only headers of an agency's answer that reach the browser: what the answer is (type, length, encoding,
    /// language, disposition, ranges), how it may be cached, where a redirect leads (confined: see
    /// <see cref="AgencyAnswers.ConfinedLocation"/>), when to retry, which methods are allowed, and the agency's cookies
    /// (confined, at most <see cref="AgencyCookies.MaxPerAnswer"/>).
    /// Everything else is dropped, above all what would act on the portal's whole origin: <c>Service-Worker-Allowed</c>,
    /// <c>Clear-Site-Data</c>, <c>Refresh</c>, <c>Link</c>, <c>WWW-Authenticate</c> (a browser would ask for a password
    /// under the portal's name), <c>Access-Control-*</c>, <c>Strict-Transport-Security</c>, and every security policy
    /// (the portal sets its own).
    /// </summary>
    private static readonly FrozenSet<string> ResponseHeadersAllowed = new[]
    {
        HeaderNames.ContentType, HeaderNames.ContentLength, HeaderNames.ContentEncoding, HeaderNames.ContentLanguage,
        HeaderNames.ContentDisposition, HeaderNames.ContentRange, HeaderNames.AcceptRanges, HeaderNames.CacheControl,
        HeaderNames.Expires, HeaderNames.ETag, HeaderNames.LastModified, HeaderNames.Vary, HeaderNames.Age,
        HeaderNames.RetryAfter, HeaderNames.Allow, HeaderNames.Location, HeaderNames.SetCookie,
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The policy of every agency answer, in place of the portal's: <c>sandbox</c> without <c>allow-same-origin</c>,
    /// so an agency's page gets an opaque origin: it cannot read the portal's pages (they are another origin to it),
    /// its requests to the portal are cross-site (the portal's <c>SameSite</c> cookies do not go with a form post or
    /// a fetch, only with a top-level link the person follows), it has no access to cookies or storage, and it cannot
    /// register a service worker. Within that, it may run its own script (<c>allow-scripts</c>: without the
    /// portal's origin a script can do no more than a page on another site), post forms (<c>allow-forms</c>), open
    /// windows that are not sandboxed (<c>allow-popups allow-popups-to-escape-sandbox</c>: a link in a new tab is an
    /// ordinary page, as from any site) and download files (<c>allow-downloads</c>: certificates). Resources only
    /// from the portal's address (that is, through the gateway), no inline script or style, no plugins, no workers,
    /// never framed.
    /// </summary>
    public const string SandboxPolicy =
        "sandbox allow-forms allow-scripts allow-popups allow-popups-to-escape-sandbox allow-downloads; " +
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "media-src 'self'; object-src 'none'; worker-src 'none'; manifest-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // The portal sets X-Forwarded-* itself (below), from what the web shell decided about trusted proxies.
        context.UseDefaultForwarders = false;
        // Response headers are copied by the allow-list below, not copied whole and then pruned; trailers not at all.
        context.CopyResponseHeaders = false;
        context.CopyResponseTrailers = false;
        context.AddRequestTransform(transform =>
        {
            // RemoveHeader, not Headers.Remove: YARP may copy the client's headers after the transforms have run.
            foreach (var name in RequestHeadersRemoved)
            {
                RequestTransform.RemoveHeader(transform, name);
            }

            var headers = transform.ProxyRequest.Headers;
            RemoveUnderscored(headers);
            var http = transform.HttpContext;
            var call = http.Features.GetRequiredFeature<GatewayCall>();
            if (AgencyCookies.ForAgency(http.Request.Headers.Cookie, call.CookiePrefix) is { } cookies)
            {
                headers.TryAddWithoutValidation(HeaderNames.Cookie, cookies);
            }

            if (call.Assertion is { } assertion)
            {
                headers.TryAddWithoutValidation(IIdentityAssertions.HeaderName, assertion);
            }

            headers.TryAddWithoutValidation(RequestIds.HeaderName, call.RequestId);
            if (call.ClientRequestId is { } clientId)
            {
                headers.TryAddWithoutValidation(RequestIds.ClientHeaderName, clientId);
            }

            // Not X-Forwarded-Host: the Host a client sent is its own choice, and an agency that built links or
            // reset mails from it could be steered. Links go back through X-Forwarded-Prefix, relative to the portal.
            headers.TryAddWithoutValidation("X-Forwarded-For", http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            headers.TryAddWithoutValidation("X-Forwarded-Proto", http.Request.Scheme);
            headers.TryAddWithoutValidation("X-Forwarded-Prefix", call.Endpoint.Prefix);
            return ValueTask.CompletedTask;
        });

        context.AddResponseTransform(transform =>
        {
            if (transform.ProxyResponse is not { } answer)
            {
                return ValueTask.CompletedTask;
            }

            var http = transform.HttpContext;
            var call = http.Features.GetRequiredFeature<GatewayCall>();
            if (AgencyAnswers.Refusal(answer, http.Request, call.Endpoint, origin) is { } refusal)
            {
                // Nothing of the answer reaches the browser: the door explains (AgencyAnswers.WriteRefusalAsync, or a status page).
                call.Refusal = refusal;
                transform.SuppressResponseBody = true;
                http.Response.StatusCode = refusal;
                return ValueTask.CompletedTask;
            }

            // A message with both Transfer-Encoding and Content-Length is not forwarded with the length (RFC 9112 6.3).
            var chunked = answer.Headers.NonValidated.Contains(HeaderNames.TransferEncoding);
            var cookies = 0;
            CopyAllowed(answer.Headers, http, call, chunked, ref cookies);
            if (answer.Content is not null)
            {
                CopyAllowed(answer.Content.Headers, http, call, chunked, ref cookies);
            }

            http.Response.Headers.ContentSecurityPolicy = SandboxPolicy;
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>
    /// Drops every header whose name has an underscore: CGI, WSGI, PHP and several frameworks read
    /// <c>Portal_Identity</c> or <c>X_Forwarded_For</c> as the dashed header, so the spelling could smuggle what the
    /// door removes. nginx ignores such headers by default for the same reason. Rare, so the list is made only then.
    /// </summary>
    private static void RemoveUnderscored(HttpRequestHeaders headers)
    {
        List<string>? underscored = null;
        foreach (var header in headers.NonValidated)
        {
            if (header.Key.Contains('_', StringComparison.Ordinal))
            {
                (underscored ??= []).Add(header.Key);
            }
        }

        if (underscored is not null)
        {
            foreach (var name in underscored)
            {
                headers.Remove(name);
            }
        }
    }

    private void CopyAllowed(HttpHeaders from, HttpContext http, GatewayCall call, bool chunked, ref int cookies)
    {
        var response = http.Response.Headers;
        foreach (var header in from.NonValidated)
        {
            var name = header.Key;
            if (!ResponseHeadersAllowed.Contains(name) || (chunked && name.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (name.Equals(HeaderNames.SetCookie, StringComparison.OrdinalIgnoreCase))
            {
                foreach (var value in header.Value)
                {
                    if (cookies < AgencyCookies.MaxPerAnswer &&
                        AgencyCookies.FromAgency(value, call.CookiePrefix, call.Endpoint.Prefix, origin.SecureCookies) is { } rewritten)
                    {
                        response.Append(HeaderNames.SetCookie, rewritten); // beside any the portal set (the language)
                        cookies++;
                    }
                }
            }
            else if (name.Equals(HeaderNames.Location, StringComparison.OrdinalIgnoreCase))
            {
                // A redirect that leads elsewhere was refused whole (AgencyAnswers.Refusal); another answer's is dropped.
                if (AgencyAnswers.ConfinedLocation(header.Value.ToString(), http.Request, call.Endpoint, origin) is { } location)
                {
                    response.Location = location;
                }
            }
            else if (header.Value.Count == 1)
            {
                response[name] = header.Value.ToString();
            }
            else
            {
                var values = new string[header.Value.Count];
                var i = 0;
                foreach (var value in header.Value)
                {
                    values[i++] = value;
                }

                response[name] = new StringValues(values);
            }
        }
    }
}

/// <summary>What the door decided about one call, for the transforms and the audit.</summary>
internal sealed class GatewayCall(Routing.GatewayEndpoint endpoint, string requestId, string? clientRequestId = null)
{
    public Routing.GatewayEndpoint Endpoint { get; } = endpoint;

    /// <summary>The portal's id of the call: the audit's key, the agency's <c>X-Request-Id</c>.</summary>
    public string RequestId { get; } = requestId;

    /// <summary>The client's own <c>X-Request-Id</c>, when it sent a sensible one; a value, never a key.</summary>
    public string? ClientRequestId { get; } = clientRequestId;

    public string CookiePrefix { get; } = AgencyCookies.Namespace(endpoint.Agency, endpoint.Name);
    public string? Assertion { get; set; }
    public string? Subject { get; set; }

    /// <summary>The status the agency's answer was replaced by (406 or 502: see <see cref="AgencyAnswers"/>), if it was.</summary>
    public int? Refusal { get; set; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Endpoint.RouteId} {RequestId}");
}
