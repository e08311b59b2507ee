using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Primitives;
using ServicePortal.Core.Hosting;

namespace ServicePortal.Host.Web;

/// <summary>
/// Settings a deployment must make itself, checked before anything else starts (outside Development; the
/// Development defaults serve a developer's machine only):
/// <list type="bullet">
/// <item><c>AllowedHosts</c>: the host names the portal answers to (<c>;</c>-separated, ASP.NET's syntax, <c>*.</c>
/// wildcards allowed). Any other <c>Host</c> gets 400 (<see cref="UseAllowedHosts"/>), so no link, redirect or token
/// is ever built from an attacker's host name. <c>*</c> (any host) counts as not set.</item>
/// <item><c>Identity:Issuer</c>: the OpenID Connect issuer, the portal's public address. Without it each node would
/// publish the address a request came to, and tokens and identity assertions would name whatever host the client
/// sent.</item>
/// <item>Never (in any environment) <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c>: ASP.NET then believes
/// <c>X-Forwarded-For</c>/<c>-Proto</c> from anyone, so a client could pick its own address for rate limits, locks
/// and the audit. The proxies to believe are named in <c>Web:TrustedProxies</c>.</item>
/// </list>
/// </summary>
public static class DeploymentSettings
{
    public const string AllowedHosts = "AllowedHosts";
    public const string Issuer = "Identity:Issuer";

    /// <summary>ASP.NET's switch that trusts forwarded headers from every address (the ASPNETCORE_ prefix is removed).</summary>
    private const string TrustEveryProxy = "FORWARDEDHEADERS_ENABLED";

    /// <summary>
    /// ASP.NET's own host filtering is turned off (<c>*</c>) in favour of <see cref="UseAllowedHosts"/>, which keeps
    /// its rule but lets the platform reach a pod by its address: the kubelet's probes (<c>/health/live</c>,
    /// <c>/health/ready</c>) and Prometheus on the metrics port send the pod's IP as <c>Host</c>.
    /// </summary>
    public static WebApplicationBuilder AddAllowedHosts(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.PostConfigure<HostFilteringOptions>(options => options.AllowedHosts = ["*"]);
        return builder;
    }

    /// <summary>Answers 400 to a request whose <c>Host</c> is not in <c>AllowedHosts</c> (unset or <c>*</c>: any).</summary>
    public static WebApplication UseAllowedHosts(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var allowed = Hosts(app.Configuration).Select(h => new StringSegment(h)).ToArray();
        if (allowed.Length == 0 || allowed.Any(h => h == "*"))
        {
            return app;
        }

        var metricsPort = app.Configuration.GetValue<int?>("Telemetry:MetricsPort");
        app.Use((context, next) =>
        {
            if (HostString.MatchesAny(new StringSegment(context.Request.Host.Host), allowed) ||
                context.Connection.LocalPort == metricsPort ||
                context.Request.Path.Equals("/health/live", StringComparison.Ordinal) ||
                context.Request.Path.Equals("/health/ready", StringComparison.Ordinal))
            {
                return next(context);
            }

            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Task.CompletedTask;
        });
        return app;
    }

    private static string[] Hosts(IConfiguration configuration) =>
        (configuration[AllowedHosts] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static void Require(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        if (configuration.GetValue<bool>(TrustEveryProxy))
        {
            throw new PortalStartupException(
                "ASPNETCORE_FORWARDEDHEADERS_ENABLED would believe X-Forwarded-For from anyone; unset it and name the " +
                "load balancers instead, e.g. Web__TrustedProxies__0=10.0.0.0/8 (addresses or CIDR networks).");
        }

        if (environment.IsDevelopment())
        {
            return;
        }

        var hosts = Hosts(configuration);
        if (hosts.Length == 0 || hosts.Contains("*"))
        {
            throw new PortalStartupException(
                $"{AllowedHosts} must name the host names the portal answers to outside Development, e.g. " +
                "AllowedHosts=portal.example.go.tz (several separated by ';'); '*' is for Development only.");
        }

        var issuer = configuration[Issuer];
        if (string.IsNullOrWhiteSpace(issuer) || !Uri.TryCreate(issuer, UriKind.Absolute, out var uri) ||
            uri.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new PortalStartupException(
                $"{Issuer} must be set outside Development to the portal's public address, e.g. " +
                "Identity__Issuer=https://portal.example.go.tz/ (every node publishes the same issuer).");
        }
    }
}
