using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ServicePortal.Identity.Web;

/// <summary>
/// The passkey script (<c>passkeys.js</c>): embedded in the module and served from the portal's own address, as
/// <see cref="ShowPasswordScript"/> is (the Content-Security-Policy allows same-origin scripts only, nothing inline).
/// Without it the passkey forms stay hidden and the pages say a passkey needs JavaScript.
/// </summary>
public static class PasskeyScript
{
    private const string PathOnly = "/account/passkeys.js";

    private static readonly byte[] Body = Load();

    public static string Href { get; } = PathOnly + "?v=" + Convert.ToHexStringLower(SHA256.HashData(Body))[..12];

    public static IEndpointRouteBuilder MapPasskeyScript(this IEndpointRouteBuilder endpoints)
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
        using var stream = typeof(PasskeyScript).Assembly.GetManifestResourceStream("ServicePortal.Identity.Web.passkeys.js")
                           ?? throw new InvalidOperationException("The passkey script is not embedded in the Identity module.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
