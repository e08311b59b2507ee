using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using ServicePortal.Core.Identity;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ServicePortal.Gateway.Door;

/// <summary>
/// What crosses the door, both ways. To the agency: none of the portal's credentials (<c>Cookie</c> except the
/// agency's own, <c>Authorization</c>), no identity or forwarding header a client made up, and in their place
/// the signed <c>Portal-Identity</c>, the request id and <c>X-Forwarded-*</c> set by the portal. Back to the
/// browser: the agency's cookies confined to its namespace and path, no header that names the agency's server
/// software. YARP itself drops hop-by-hop headers in both directions.
/// </summary>
public sealed class GatewayTransforms : ITransformProvider
{
    /// <summary>Headers a client could send to pose as the portal or as a proxy: never forwarded as sent.</summary>
    private static readonly string[] RequestHeadersRemoved =
    [
        HeaderNames.Cookie, HeaderNames.Authorization, HeaderNames.ProxyAuthorization, IIdentityAssertions.HeaderName,
        RequestIds.HeaderName, "Forwarded", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix",
        "X-Forwarded-Port", "X-Forwarded-Server", "X-Real-IP", "X-Client-IP", "True-Client-IP", "CF-Connecting-IP",
        "X-Original-URL", "X-Rewrite-URL", "X-Original-Host", "X-Original-For", "X-Original-Proto",
    ];

    /// <summary>Headers that tell the world which server software an agency runs.</summary>
    private static readonly string[] ResponseHeadersRemoved =
    [
        HeaderNames.Server, "X-Powered-By", "X-AspNet-Version", "X-AspNetMvc-Version", "X-SourceFiles", "Via",
        RequestIds.HeaderName,
    ];

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
        context.AddRequestTransform(transform =>
        {
            // RemoveHeader, not Headers.Remove: YARP may copy the client's headers after the transforms have run.
            foreach (var name in RequestHeadersRemoved)
            {
                RequestTransform.RemoveHeader(transform, name);
            }

            var headers = transform.ProxyRequest.Headers;
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
            headers.TryAddWithoutValidation("X-Forwarded-For", http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            headers.TryAddWithoutValidation("X-Forwarded-Proto", http.Request.Scheme);
            headers.TryAddWithoutValidation("X-Forwarded-Host", http.Request.Host.Value);
            headers.TryAddWithoutValidation("X-Forwarded-Prefix", call.Endpoint.Prefix);
            return ValueTask.CompletedTask;
        });

        context.AddResponseTransform(transform =>
        {
            if (transform.ProxyResponse is null)
            {
                return ValueTask.CompletedTask;
            }

            var http = transform.HttpContext;
            var response = http.Response.Headers;
            foreach (var name in ResponseHeadersRemoved)
            {
                response.Remove(name);
            }

            var call = http.Features.GetRequiredFeature<GatewayCall>();
            response[RequestIds.HeaderName] = call.RequestId;
            var setCookies = response.SetCookie;
            if (setCookies.Count > 0)
            {
                var confined = new List<string>(setCookies.Count);
                foreach (var value in setCookies)
                {
                    if (value is not null && AgencyCookies.FromAgency(value, call.CookiePrefix, call.Endpoint.Prefix) is { } rewritten)
                    {
                        confined.Add(rewritten);
                    }
                }

                response.SetCookie = confined.ToArray();
            }

            return ValueTask.CompletedTask;
        });
    }
}

/// <summary>What the door decided about one call, for the transforms and the audit.</summary>
public sealed class GatewayCall(Routing.GatewayEndpoint endpoint, string requestId)
{
    public Routing.GatewayEndpoint Endpoint { get; } = endpoint;
    public string RequestId { get; } = requestId;
    public string CookiePrefix { get; } = AgencyCookies.Namespace(endpoint.Agency, endpoint.Name);
    public string? Assertion { get; set; }
    public string? Subject { get; set; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Endpoint.RouteId} {RequestId}");
}
