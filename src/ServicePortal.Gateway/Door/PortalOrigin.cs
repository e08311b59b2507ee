using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Primitives;
using ServicePortal.Core.Security;

namespace ServicePortal.Gateway.Door;

/// <summary>
/// What the gateway must know of the portal's own origin to keep agencies' answers in their place: the names the
/// portal answers to (<c>AllowedHosts</c>, the issuer's host, and the loopback names), since a redirect to any of them
/// lands on the portal whatever name the request used; and whether cookies must be <c>Secure</c> (Core's
/// <see cref="SecureCookies"/> rule, the same as for the portal's own cookies).
/// </summary>
internal sealed class PortalOrigin
{
    private readonly StringSegment[] _names;

    public PortalOrigin(bool secureCookies, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        SecureCookies = secureCookies;
        _names = names.Where(name => name.Length > 0 && name != "*").Select(name => new StringSegment(name))
            .Concat([new StringSegment("localhost"), new StringSegment("127.0.0.1"), new StringSegment("[::1]")]).ToArray();
    }

    public static PortalOrigin From(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var names = (configuration["AllowedHosts"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (Uri.TryCreate(configuration["Identity:Issuer"], UriKind.Absolute, out var issuer))
        {
            names.Add(issuer.Host);
        }

        return new PortalOrigin(Core.Security.SecureCookies.Required(configuration, environment), names);
    }

    /// <summary>Whether every cookie set on the portal's origin must be <c>Secure</c> (outside Development).</summary>
    public bool SecureCookies { get; }

    /// <summary>Whether <paramref name="host"/> (as <see cref="Uri.Host"/> writes it) is one of the portal's names.</summary>
    public bool IsPortal(string host, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(request);
        var bare = new StringSegment(host.TrimEnd('.'));
        return bare.Equals(request.Host.Host, StringComparison.OrdinalIgnoreCase) || HostString.MatchesAny(bare, _names);
    }
}
