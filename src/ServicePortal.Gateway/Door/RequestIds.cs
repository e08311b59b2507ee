using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace ServicePortal.Gateway.Door;

/// <summary>
/// <c>X-Request-Id</c>: the one number that ties a citizen's call, the agency's logs, the portal's logs and the
/// audit row together. A client's own id is kept when it is sensible (8 to 64 characters of letters, digits,
/// <c>-</c>, <c>_</c>, <c>.</c>, <c>:</c>), so a mobile app can follow its calls; otherwise the portal makes one.
/// </summary>
public static class RequestIds
{
    public const string HeaderName = "X-Request-Id";

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:");

    public static bool IsValid(string? id) =>
        id is { Length: >= 8 and <= 64 } && !id.AsSpan().ContainsAnyExcept(Allowed);

    /// <summary>The request's id: the client's when valid, else a new one. Also the request's trace identifier.</summary>
    public static string Establish(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sent = context.Request.Headers[HeaderName];
        var id = sent.Count == 1 && IsValid(sent[0]) ? sent[0]! : Guid.NewGuid().ToString("N");
        context.TraceIdentifier = id;
        context.Response.Headers[HeaderName] = id;
        return id;
    }
}
