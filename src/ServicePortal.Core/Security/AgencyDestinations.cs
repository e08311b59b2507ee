using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ServicePortal.Core.Security;

/// <summary>
/// Where the portal may send a citizen's call or its own to an agency. Outside Development only <c>https</c>, and
/// only public addresses: never loopback, private networks (RFC 1918, carrier-grade NAT, unique local), link-local
/// (the cloud metadata service at 169.254.169.254 among them), multicast, reserved or documentation ranges, in any
/// spelling (IPv4-mapped IPv6, NAT64, 6to4). Checked when an agency proposes an endpoint, when the gateway builds
/// its routes (literal addresses), and again when a connection is made (<see cref="Guard"/>), because the name an
/// administrator approved can later be made to resolve anywhere. <c>Gateway:AllowPrivateDestinations</c> (true
/// in Development, false elsewhere unless set) lets loopback and plain http through, for development, tests and
/// benchmarks on one machine.
/// </summary>
public sealed class AgencyDestinations(bool allowPrivate)
{
    public const string Setting = "Gateway:AllowPrivateDestinations";

    /// <summary>Plain http and non-public addresses are allowed (development, tests, a benchmark on one machine).</summary>
    public bool AllowPrivate { get; } = allowPrivate;

    /// <summary>
    /// What is wrong with a destination without asking DNS (the scheme, a literal address, a local name), or null.
    /// </summary>
    public string? Problem(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (AllowPrivate)
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

        if (AllowPrivate || Literal(address) is not null)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(address.IdnHost, timeout.Token).ConfigureAwait(false);
            return addresses.FirstOrDefault(a => !IsPublic(a)) is { } found ? $"a name that resolves to a non-public address ({found})" : null;
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>
    /// Makes <paramref name="handler"/> resolve the name itself and connect only to public addresses (unless
    /// private ones are allowed): the check at connect time, on each new connection, never on a pooled one.
    /// </summary>
    public void Guard(SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (!AllowPrivate)
        {
            handler.ConnectCallback = ConnectPubliclyAsync;
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
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var allowed = Array.FindAll(resolved, IsPublic);
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError,
                $"Refused to connect to {endpoint.Host}: it resolves to no public address ({string.Join<IPAddress>(", ", resolved)}).");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken).ConfigureAwait(false);
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
    /// One <see cref="AgencyDestinations"/> for the host (each module that sends to agencies calls this):
    /// <c>Gateway:AllowPrivateDestinations</c> when set, else true in Development only.
    /// </summary>
    public static IServiceCollection AddAgencyDestinations(this IServiceCollection services, IConfiguration configuration,
        IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var allowPrivate = configuration.GetValue<bool?>(AgencyDestinations.Setting) ?? environment.IsDevelopment();
        services.TryAddSingleton(new AgencyDestinations(allowPrivate));
        return services;
    }
}
