using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ServicePortal.Identity.Web;

/// <summary>
/// The one script of the module's pages, the show-password button (GOV.UK's password input): embedded in the module
/// and served by it from the portal's own address, since the Content-Security-Policy allows same-origin scripts only
/// and nothing inline. Pages work without it: the input stays a plain password input.
/// </summary>
public static class ShowPasswordScript
{
    private const string PathOnly = "/account/show-password.js";

    private static readonly byte[] Body = Load();

    /// <summary>Its address with a version from its content, so that it can be cached for long and still change.</summary>
    public static string Href { get; } = PathOnly + "?v=" + Convert.ToHexStringLower(SHA256.HashData(Body))[..12];

    public static IEndpointRouteBuilder MapShowPasswordScript(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(PathOnly, (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            return Results.Bytes(Body, "text/javascript; charset=utf-8");
        }).ExcludeFromDescription();
        return endpoints;
    }

    private static byte[] Load()
    {
        using var stream = typeof(ShowPasswordScript).Assembly.GetManifestResourceStream("ServicePortal.Identity.Web.show-password.js")
                           ?? throw new InvalidOperationException("The show-password script is not embedded in the Identity module.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
