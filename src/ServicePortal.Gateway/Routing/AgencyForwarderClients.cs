using Microsoft.Extensions.Logging;
using ServicePortal.Core.Security;
using Yarp.ReverseProxy.Forwarder;

namespace ServicePortal.Gateway.Routing;

/// <summary>
/// YARP's HTTP clients to the agencies (one per endpoint's cluster, used for calls and for active health checks),
/// as YARP makes them (no proxy, no redirects, no cookies, no decompression), plus the connect-time check of
/// <see cref="AgencyDestinations"/>: a name that resolves to a non-public address is refused before connecting.
/// </summary>
internal sealed class AgencyForwarderClients(AgencyDestinations destinations, ILogger<ForwarderHttpClientFactory> logger)
    : ForwarderHttpClientFactory(logger)
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        destinations.Guard(handler);
    }
}
