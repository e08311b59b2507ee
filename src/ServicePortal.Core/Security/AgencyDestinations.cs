using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using ServicePortal.Core.Hosting;

namespace ServicePortal.Core.Security;

/// <summary>
/// Where the portal may send a citizen's call or its own to an agency: only <c>https</c>, and only public addresses:
/// never loopback, private networks (RFC 1918, carrier-grade NAT, unique local), link-local (the cloud metadata
/// service at 169.254.169.254 among them), multicast, reserved or documentation ranges, in any spelling (IPv4-mapped
/// IPv6, NAT64, 6to4). Checked when an agency proposes an endpoint, when the gateway builds its routes (literal
/// addresses), and again when a connection is made (<see cref="Guard"/>), because the name an administrator approved
/// can later be made to resolve anywhere. The one exception is a list of named destinations,
/// <c>Gateway:AllowedPrivateDestinations</c> (<c>host:port</c> entries, e.g. <c>127.0.0.1:5101</c> or
/// <c>demo-agencies:5102</c>): exactly those may be reached over plain http at a private address (the demo agencies of
/// a developer's machine or of a test cluster, a benchmark's agencies); no switch opens every private address.
/// </summary>
public sealed class AgencyDestinations
{
    public const string Setting = "Gateway:AllowedPrivateDestinations";

    /// <summary>The boolean this list replaced: refused at start-up, so a deployment that still sets it is told.</summary>
    public const string RetiredSetting = "Gateway:AllowPrivateDestinations";

    private readonly FrozenSet<string> _listed;
    private readonly Func<string, int, bool>? _rule;

    /// <summary>Only the <paramref name="allowedPrivate"/> destinations (<c>host:port</c>) may be private.</summary>
    public AgencyDestinations(IEnumerable<string> allowedPrivate)
    {
        ArgumentNullException.ThrowIfNull(allowedPrivate);
        var listed = new List<string>();
        foreach (var entry in allowedPrivate)
        {
            listed.Add(ParseEntry(entry) ?? throw new ArgumentException(
                $"{Setting}: '{entry}' is not host:port (e.g. 127.0.0.1:5101, demo-agencies:5102, [::1]:5101).", nameof(allowedPrivate)));
        }

        _listed = listed.ToFrozenSet(StringComparer.Ordinal);
    }

    private AgencyDestinations(Func<string, int, bool> rule)
    {
        _listed = FrozenSet<string>.Empty;
        _rule = rule;
    }

    /// <summary>
    /// Private destinations allowed by a rule instead of a list: for tests that start their agencies on ports chosen
    /// at run time. Never made from configuration.
    /// </summary>
    public static AgencyDestinations AllowingPrivate(Func<string, int, bool> rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return new AgencyDestinations(rule);
    }

    /// <summary>The listed private destinations, normalised (<c>host:port</c>, lower case, IPv6 in brackets).</summary>
    public IReadOnlyCollection<string> Listed => _listed;

    /// <summary>Whether some private destinations may be reached (a list was configured, or a test rule).</summary>
    public bool AllowsSomePrivate => _listed.Count > 0 || _rule is not null;

    /// <summary>Whether <paramref name="host"/>:<paramref name="port"/> is a listed private destination.</summary>
    public bool IsListed(string host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        var normalised = NormaliseHost(host);
        return normalised is not null && port is > 0 and <= 65535 &&
               (_listed.Contains(string.Create(CultureInfo.InvariantCulture, $"{normalised}:{port}")) || _rule?.Invoke(normalised, port) == true);
    }

    /// <summary>Whether the address's host and port are a listed private destination.</summary>
    public bool IsListed(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsAbsoluteUri && IsListed(address.Host, address.Port);
    }

    /// <summary>One entry normalised (<c>host:port</c>), or null when it is not one.</summary>
    public static string? ParseEntry(string? entry)
    {
        entry = entry?.Trim();
        if (string.IsNullOrEmpty(entry) || entry.Contains('/', StringComparison.Ordinal) || entry.Contains('@', StringComparison.Ordinal) ||
            !Uri.TryCreate("http://" + entry, UriKind.Absolute, out var uri) || (uri.IsDefaultPort && !entry.EndsWith(":80", StringComparison.Ordinal)) ||
            uri.PathAndQuery != "/" || NormaliseHost(uri.Host) is not { } host)
        {
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{host}:{uri.Port}");
    }

    /// <summary>A host as compared: lower case, no trailing dot, an IP address in its one spelling (IPv6 in brackets).</summary>
    private static string? NormaliseHost(string host)
    {
        host = host.Trim().TrimEnd('.').ToLowerInvariant();
        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (bare.Length == 0)
        {
            return null;
        }

        if (IPAddress.TryParse(bare, out var address) && (bare.Contains(':', StringComparison.Ordinal) || bare.Count(c => c == '.') == 3))
        {
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }

            if (address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return address.ToString();
            }

            address.ScopeId = 0;
            return $"[{address}]";
        }

        return bare;
    }

    /// <summary>
    /// What is wrong with a destination without asking DNS (the scheme, a literal address, a local name), or null.
    /// </summary>
    public string? Problem(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (IsListed(address))
        {
            return null;
        }

        if (address.Scheme != Uri.UriSchemeHttps)
        {
            return "not https";
        }

        var host = address.IdnHost.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return "a local name";
        }

        return Literal(address) is { } literal && !IsPublic(literal) ? $"a non-public address ({literal})" : null;
    }

    /// <summary>
    /// <see cref="Problem(Uri)"/>, then the addresses the name resolves to now: all must be public. A name that does
    /// not resolve (yet) is let through: the connection is checked again whenever it is made.
    /// </summary>
    public async Task<string?> ProblemAsync(Uri address, CancellationToken cancellationToken)
    {
        if (Problem(address) is { } problem)
        {
            return problem;
        }

        if (IsListed(address) || Literal(address) is not null)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(address.IdnHost, timeout.Token);
            return addresses.FirstOrDefault(a => !IsPublic(a)) is { } found ? $"a name that resolves to a non-public address ({found})" : null;
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>
    /// Makes <paramref name="handler"/> resolve the name itself and connect only to public addresses, or to a listed
    /// private destination by its listed name and port: the check at connect time, on each new connection, never on
    /// a pooled one.
    /// </summary>
    public void Guard(SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        handler.ConnectCallback = (context, cancellationToken) =>
            IsListed(context.DnsEndPoint.Host, context.DnsEndPoint.Port)
                ? ConnectAsync(context.DnsEndPoint, cancellationToken)
                : ConnectPubliclyAsync(context, cancellationToken);
    }

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A <see cref="SocketsHttpHandler.ConnectCallback"/> that refuses every address that is not public.</summary>
    public static async ValueTask<Stream> ConnectPubliclyAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = context.DnsEndPoint;
        if (context.InitialRequestMessage.RequestUri?.Scheme is { } scheme && scheme != Uri.UriSchemeHttps)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError,
                $"Refused to connect to {endpoint.Host}: agency destinations must be https.");
        }

        var host = endpoint.Host.TrimStart('[').TrimEnd(']');
        var resolved = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = Array.FindAll(resolved, IsPublic);
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError,
                $"Refused to connect to {endpoint.Host}: it resolves to no public address ({string.Join<IPAddress>(", ", resolved)}).");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Whether an address is on the public internet: globally routable unicast, in any spelling.</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublic(address.MapToIPv4());
        }

        Span<byte> b = stackalloc byte[16];
        if (!address.TryWriteBytes(b, out var length))
        {
            return false;
        }

        if (length == 4)
        {
            return b[0] switch
            {
                0 or 10 or 127 => false,                                  // "this network", private, loopback
                100 => b[1] is < 64 or > 127,                              // 100.64.0.0/10 carrier-grade NAT
                169 => b[1] != 254,                                        // 169.254.0.0/16 link-local, cloud metadata
                172 => b[1] is < 16 or > 31,                               // 172.16.0.0/12 private
                192 => !(b[1] == 168                                       // 192.168.0.0/16 private
                         || (b[1] == 0 && b[2] is 0 or 2)                  // 192.0.0.0/24 protocol assignments, 192.0.2.0/24 documentation
                         || (b[1] == 88 && b[2] == 99)),                   // 192.88.99.0/24 6to4 relay
                198 => !(b[1] is 18 or 19                                  // 198.18.0.0/15 benchmarking
                         || (b[1] == 51 && b[2] == 100)),                  // 198.51.100.0/24 documentation
                203 => !(b[1] == 0 && b[2] == 113),                        // 203.0.113.0/24 documentation
                >= 224 => false,                                           // multicast, reserved, broadcast
                _ => true,
            };
        }

        // IPv6: only global unicast (2000::/3), less the ranges in it that are not public; addresses that carry an
        // IPv4 address (NAT64, 6to4) are as public as the address they carry.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return IsPublic(new IPAddress(b[12..16]));                     // 64:ff9b::/96 NAT64
        }

        if ((b[0] & 0xe0) != 0x20)
        {
            return false;                                                  // ::1, ::, fc00::/7, fe80::/10, ff00::/8, ...
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return IsPublic(new IPAddress(b[2..6]));                      // 2002::/16 6to4
        }

        return !(b[0] == 0x20 && b[1] == 0x01 && (b[2] < 0x02             // 2001::/23 protocol assignments (Teredo among them)
                                                  || (b[2] == 0x0d && b[3] == 0xb8))); // 2001:db8::/32 documentation
    }

    private static IPAddress? Literal(Uri address) =>
        address.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(address.DnsSafeHost, out var literal)
            ? literal
            : null;
}

public static class AgencyDestinationsSetup
{
    /// <summary>
    /// One <see cref="AgencyDestinations"/> for the host (each module that sends to agencies calls this), with the
    /// private destinations listed in <c>Gateway:AllowedPrivateDestinations</c>: a string of <c>host:port</c> entries
    /// separated by <c>;</c> or <c>,</c> (easy in an environment variable), or an array of them. Nothing is listed by
    /// default, in Development too (appsettings.Development.json lists the demo agencies of <c>./build.sh run</c>).
    /// </summary>
    public static IServiceCollection AddAgencyDestinations(this IServiceCollection services, IConfiguration configuration,
        IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrEmpty(configuration[AgencyDestinations.RetiredSetting]))
        {
            throw new PortalStartupException(
                $"{AgencyDestinations.RetiredSetting} is no longer read: name the private destinations agencies may be reached at " +
                $"instead, {AgencyDestinations.Setting}=demo-agencies:5101;demo-agencies:5102 (host:port, separated by ';').");
        }

        var section = configuration.GetSection(AgencyDestinations.Setting);
        var entries = (section.Value ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(section.GetChildren().Select(child => child.Value).OfType<string>().Where(value => value.Trim().Length > 0))
            .ToList();
        if (entries.FirstOrDefault(entry => AgencyDestinations.ParseEntry(entry) is null) is { } bad)
        {
            throw new PortalStartupException(
                $"{AgencyDestinations.Setting}: '{bad}' is not host:port (e.g. 127.0.0.1:5101, demo-agencies:5102, [::1]:5101).");
        }

        services.TryAddSingleton(new AgencyDestinations(entries));
        return services;
    }
}
