using System.Globalization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Localization;
using ServicePortal.Core.Hosting;
using ServicePortal.Core.Localization;

namespace ServicePortal.Host.Web;

/// <summary>
/// The web shell every module's pages sit in: Razor Pages, Kiswahili by default and English one click away,
/// security headers, error pages that never show a stack trace outside Development, antiforgery.
/// </summary>
public static class WebShell
{
    /// <summary>
    /// No script is inline (the one script, show-password, is a same-origin file) and no style is inline, so the policy can be strict. <c>form-action</c> is
    /// left out on purpose: Chrome applies it to the redirects after a form post, and the sign-in and consent
    /// forms end in a redirect to a relying party's own address.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    public static WebApplicationBuilder AddWebShell(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.AddAllowedHosts();
        builder.Services.AddRazorPages();
        builder.Services.AddPortalContact(builder.Configuration); // the contact page and the footer say it
        builder.Services.AddProblemDetails();
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "portal_af";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.FormFieldName = "__af";
        });
        // Outside Development every cookie is Secure, whatever the request looked like: TLS usually ends at the load
        // balancer, so the portal sees plain HTTP, and a cookie that a browser would also send over plain HTTP (a
        // downgraded or hijacked connection) gives the session away. Development serves http://localhost.
        var secureCookies = Core.Security.SecureCookies.Required(builder.Configuration, builder.Environment);
        builder.Services.Configure<CookiePolicyOptions>(options =>
        {
            options.Secure = secureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        });
        builder.Services.Configure<RequestLocalizationOptions>(options =>
        {
            var cultures = Lang.Supported.Select(code => new CultureInfo(code)).ToList();
            options.DefaultRequestCulture = new RequestCulture(Lang.Default);
            options.SupportedCultures = cultures;
            options.SupportedUICultures = cultures;
            // Kiswahili first: the browser's Accept-Language is not consulted, because most phones in
            // Tanzania are set to English while their owners read Kiswahili first. A choice is explicit.
            options.RequestCultureProviders =
            [
                new QueryStringRequestCultureProvider { QueryStringKey = Lang.QueryKey, UIQueryStringKey = Lang.QueryKey },
                new CookieRequestCultureProvider { CookieName = Lang.CookieName },
            ];
        });
        var trustedProxies = builder.Configuration.GetSection("Web:TrustedProxies").Get<string[]>() ?? [];
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            // X-Forwarded-For/Proto are believed only from the proxies named in Web:TrustedProxies (addresses or
            // CIDR networks, e.g. the load balancer's). Nothing is trusted by default, loopback included: a
            // client cannot claim another address for rate limits, audit or the agencies. (With both lists
            // empty the middleware trusts everyone, so it is not used at all then: see UseWebShell.)
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var entry in trustedProxies)
            {
                if (System.Net.IPNetwork.TryParse(entry, out var network))
                {
                    options.KnownIPNetworks.Add(network);
                }
                else if (System.Net.IPAddress.TryParse(entry, out var address))
                {
                    options.KnownProxies.Add(address);
                }
                else
                {
                    throw new PortalStartupException($"Web:TrustedProxies: '{entry}' is neither an IP address nor a CIDR network.");
                }
            }

            options.ForwardLimit = Math.Max(1, options.KnownProxies.Count + options.KnownIPNetworks.Count);
        });
        builder.Services.AddHealthChecks();
        if (!builder.Environment.IsDevelopment())
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        return builder;
    }

    public static WebApplication UseWebShell(this WebApplication app)
    {
        // A Host the portal does not serve is refused before anything reads it (see DeploymentSettings).
        app.UseAllowedHosts();
        // Language first, so that error pages re-executed further in speak the language of the request.
        if (app.Configuration.GetSection("Web:TrustedProxies").Get<string[]>() is { Length: > 0 })
        {
            app.UseForwardedHeaders();
        }

        // Before anything that writes a cookie: the policy applies to cookies appended after it.
        app.UseCookiePolicy();
        app.UseRequestLocalization();
        app.Use(RememberLanguageChoice);
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandlingPath = "/error/500",
                // PostgreSQL away (restarting, failing over, out of connections): "try again shortly", not a fault.
                StatusCodeSelector = e => DatabaseUnavailable(e) ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError,
            });
            app.UseHsts();
        }

        app.Use(SecurityHeaders);
        app.UseStatusCodePagesWithReExecute("/error/{0}");
        app.UseStaticFiles();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        // Live: the process answers. Ready: the database answers and is migrated.
        endpoints.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") });
        return endpoints;
    }

    /// <summary>Whether a request failed because PostgreSQL could not be reached or refused connections for now.</summary>
    internal static bool DatabaseUnavailable(Exception exception) => exception switch
    {
        // 55000: the database does not accept connections now; 57P01-57P03: shut down or starting; 53300: too many
        // connections; 08xxx: the connection failed.
        Npgsql.PostgresException p => p.SqlState is "55000" or "57P01" or "57P02" or "57P03" or "53300" || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        Npgsql.NpgsqlException n => n.IsTransient,
        _ => exception.InnerException is { } inner && DatabaseUnavailable(inner), // wrapped (a pool timeout, a page's own)
    };

    private static Task SecurityHeaders(HttpContext context, Func<Task> next)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            // A response that carries a policy of its own keeps it: the gateway's sandbox for agencies' answers.
            if (headers.ContentSecurityPolicy.Count == 0)
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
            }

            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        return next();
    }

    /// <summary><c>?lang=en</c> switches language for this request and is remembered for a year.</summary>
    private static Task RememberLanguageChoice(HttpContext context, Func<Task> next)
    {
        var asked = context.Request.Query[Lang.QueryKey].ToString();
        if (Lang.IsSupported(asked))
        {
            var culture = new RequestCulture(asked.ToLowerInvariant());
            context.Response.Cookies.Append(Lang.CookieName, CookieRequestCultureProvider.MakeCookieValue(culture),
                new CookieOptions
                {
                    MaxAge = TimeSpan.FromDays(365),
                    HttpOnly = true,
                    IsEssential = true,
                    SameSite = SameSiteMode.Lax,
                    Secure = context.Request.IsHttps, // outside Development the cookie policy makes it Secure in any case
                    Path = "/",
                });
        }

        return next();
    }
}
