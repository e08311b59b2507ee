using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Security;
using ServicePortal.Gateway.Audit;
using ServicePortal.Gateway.Routing;
using Yarp.ReverseProxy.Model;

namespace ServicePortal.Gateway.Door;

/// <summary>
/// The gateway's door, the first step of YARP's pipeline for every routed call: the request id, the path and
/// size checks, who the citizen is and whether the endpoint lets them in, the rate limit, the identity
/// assertion, and at the end the audit record. A refusal is a bare status code; the web shell's status pages
/// turn it into a localized page for browsers or an RFC 9457 problem for programs.
/// </summary>
internal sealed class GatewayDoor(
    GatewayRoutes routes,
    IIdentityAssertions identity,
    GatewayRateLimits limits,
    ProxyAudit audit,
    TimeProvider clock)
{
    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var started = Stopwatch.GetTimestamp();
        var requestId = RequestIds.Establish(context);
        var routeId = context.GetReverseProxyFeature().Route.Config.RouteId;
        if (!routes.Current.Endpoints.TryGetValue(routeId, out var endpoint))
        {
            // Its route was withdrawn while this call was on its way in.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var call = new GatewayCall(endpoint, requestId, RequestIds.OfClient(context));
        context.Features.Set(call);
        var requestBody = context.Request.Body;
        var responseBody = context.Response.Body;
        var bytesIn = new CountingStream(requestBody);
        var bytesOut = new CountingStream(responseBody);
        context.Request.Body = bytesIn;
        context.Response.Body = bytesOut;
        try
        {
            await PassAsync(context, endpoint, call, next);
        }
        finally
        {
            context.Request.Body = requestBody;
            context.Response.Body = responseBody;
            audit.Record(new AgencyCall(
                clock.GetUtcNow(),
                requestId,
                call.Subject,
                endpoint.Agency,
                endpoint.Name,
                context.Request.Method,
                AuditedPath(context.Request),
                context.Response.StatusCode,
                (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                bytesIn.Count,
                bytesOut.Count,
                context.Connection.RemoteIpAddress,
                call.ClientRequestId));
        }
    }

    private async Task PassAsync(HttpContext context, GatewayEndpoint endpoint, GatewayCall call, Func<Task> next)
    {
        if (!PathIsPlain(context))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (RunsAsPortalScript(context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        if (context.Request.ContentLength > endpoint.MaxRequestBodyBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        SignedInCitizen? citizen = null;
        if (endpoint.Access != GatewayEndpoint.Public)
        {
            citizen = await identity.AuthenticateAsync(context, PortalScopes.Gateway);
            if (citizen is null)
            {
                Challenge(context, stepUp: false);
                return;
            }

            if (endpoint.Access == GatewayEndpoint.CitizenSubstantial && citizen.Acr != PortalAssurance.Substantial)
            {
                Challenge(context, stepUp: true);
                return;
            }
        }

        if (limits.Refuse(endpoint, citizen?.AccountId, context.Connection.RemoteIpAddress) is { } retryAfter)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return;
        }

        if (citizen is not null)
        {
            var assertion = await identity.IssueAsync(citizen, endpoint.Agency, endpoint.NinEntitled, call.RequestId, context,
                context.RequestAborted);
            call.Assertion = assertion.Token;
            call.Subject = assertion.Subject;
        }

        await next();
        if (call.Refusal is { } refusal)
        {
            await AgencyAnswers.WriteRefusalAsync(context, refusal);
        }
    }

    /// <summary>
    /// A browser reading a page is sent to sign in and brought back (a sign-in is always with two factors, so this
    /// is also the step up); a program is told 401: with the scope it needs (RFC 6750), or, signed in with the
    /// password only where two factors are needed, with the step-up challenge of RFC 9470.
    /// </summary>
    private static void Challenge(HttpContext context, bool stepUp)
    {
        var request = context.Request;
        var accept = request.Headers.Accept.ToString();
        if (HttpMethods.IsGet(request.Method) && accept.Contains("text/html", StringComparison.OrdinalIgnoreCase) &&
            request.Headers.Authorization.Count == 0)
        {
            var back = request.PathBase + request.Path + request.QueryString;
            context.Response.Redirect("/account/sign-in?returnUrl=" + Uri.EscapeDataString(back));
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = stepUp ? StepUpChallenge : SignInChallenge;
    }


    private const string SignInChallenge = $"Bearer scope=\"{PortalScopes.Gateway}\"";

    private const string StepUpChallenge =
        $"Bearer error=\"insufficient_user_authentication\", error_description=\"A sign-in with two factors is required\", acr_values=\"{PortalAssurance.Substantial}\"";

    /// <summary>
    /// Whether the browser means to run this answer as script in a document of the portal's own origin: a service
    /// worker (<c>Service-Worker: script</c>, or fetch metadata's <c>serviceworker</c>), or a script, worker or style
    /// sheet asked for by a same-origin page. An agency's own pages are sandboxed to an opaque origin, so their
    /// requests are never <c>same-origin</c>; such a request comes from a portal page (after an injection there),
    /// and an agency's answer must not run with the portal's authority. Browsers without fetch metadata still have
    /// the sandbox and the stripped <c>Service-Worker-Allowed</c>.
    /// </summary>
    private static bool RunsAsPortalScript(HttpRequest request)
    {
        var headers = request.Headers;
        if (headers.ContainsKey("Service-Worker"))
        {
            return true;
        }

        var destination = headers["Sec-Fetch-Dest"];
        if (destination.Count == 0)
        {
            return false;
        }

        var dest = destination[0];
        if (dest == "serviceworker")
        {
            return true;
        }

        return dest is "script" or "worker" or "sharedworker" or "style" or "audioworklet" or "paintworklet" or "xslt" &&
               headers["Sec-Fetch-Site"] == "same-origin";
    }

    /// <summary>
    /// The path as the client wrote it must not hide separators or dots in escapes (<c>%2F</c>, <c>%5C</c>,
    /// <c>%2E</c>) or escape an escape (<c>%25</c>), and must not carry a backslash or a NUL: such a path means
    /// one thing to the portal and perhaps another to the agency's server. Refused, as Envoy and nginx can be
    /// told to do. Plain <c>..</c> segments were already resolved by the server before routing.
    /// </summary>
    private static bool PathIsPlain(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? raw.AsSpan() : raw.AsSpan(0, query);
        if (path.Contains('\\'))
        {
            return false;
        }

        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] != '%')
            {
                continue;
            }

            if (i + 2 >= path.Length)
            {
                return false;
            }

            var escape = path.Slice(i + 1, 2);
            if (escape.Equals("2F", StringComparison.OrdinalIgnoreCase) || escape.Equals("5C", StringComparison.OrdinalIgnoreCase) ||
                escape.Equals("2E", StringComparison.OrdinalIgnoreCase) || escape.Equals("25", StringComparison.OrdinalIgnoreCase) ||
                escape.Equals("00", StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The path and the names of the query parameters, never their values (they may be personal).</summary>
    private static string AuditedPath(HttpRequest request)
    {
        var path = request.Path.Value ?? "/";
        if (path.Length > 1024)
        {
            path = path[..1024];
        }

        if (!request.QueryString.HasValue)
        {
            return path;
        }

        var audited = new StringBuilder(path).Append('?');
        var first = true;
        foreach (var key in request.Query.Keys.Take(32))
        {
            audited.Append(first ? "" : "&").Append(Uri.EscapeDataString(key.Length > 64 ? key[..64] : key)).Append('=');
            first = false;
        }

        return audited.ToString();
    }
}
