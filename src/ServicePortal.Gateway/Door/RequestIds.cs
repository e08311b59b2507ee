using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace ServicePortal.Gateway.Door;

/// <summary>
/// <c>X-Request-Id</c>: the one number that ties a citizen's call, the agency's logs, the portal's logs and the
/// audit row together. The portal always makes it: a client's own id is never the key (a client could otherwise
/// choose, repeat or collide with the id the audit and the agency see). A sensible id a client sent (8 to 64 of
/// letters, digits, <c>-</c>, <c>_</c>, <c>.</c>, <c>:</c>) is kept as the client's value: the agency receives it as
/// <c>X-Client-Request-Id</c> and the audit records it beside the portal's, so a mobile app can still follow its calls.
/// </summary>
internal static class RequestIds
{
    public const string HeaderName = "X-Request-Id";

    /// <summary>The client's own id, as the agency receives it.</summary>
    public const string ClientHeaderName = "X-Client-Request-Id";

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:");

    public static bool IsValid(string? id) =>
        id is { Length: >= 8 and <= 64 } && !id.AsSpan().ContainsAnyExcept(Allowed);

    /// <summary>A new id for the request, also its trace identifier and the response's <c>X-Request-Id</c>.</summary>
    public static string Establish(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = Guid.NewGuid().ToString("N");
        context.TraceIdentifier = id;
        context.Response.Headers[HeaderName] = id;
        return id;
    }

    /// <summary>The <c>X-Request-Id</c> the client sent, when it sent one sensible one; otherwise null.</summary>
    public static string? OfClient(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sent = context.Request.Headers[HeaderName];
        return sent.Count == 1 && IsValid(sent[0]) ? sent[0] : null;
    }
}
