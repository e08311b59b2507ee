using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using ServicePortal.Core.Security;
using ServicePortal.Gateway.Routing;

namespace ServicePortal.Gateway.Door;

/// <summary>
/// The endpoint's rate-limit policy, counted per endpoint and per citizen when one is signed in (so people
/// behind one mobile operator's address do not share a limit), else per client network (an address, or an IPv6 /64). Fixed windows, kept
/// on each node: with N nodes behind a load balancer a client gets at most N times the limit, which is what
/// a per-node limiter can promise; a shared limiter is the step after.
/// </summary>
internal sealed class GatewayRateLimits(IOptions<GatewayOptions> options) : IDisposable
{
    private readonly record struct Key(string Route, string Policy, string Who);

    private readonly PartitionedRateLimiter<Key> _limiter = PartitionedRateLimiter.Create<Key, Key>(key =>
    {
        var policy = options.Value.RateLimits[key.Policy];
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = policy.PermitLimit,
            Window = policy.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    });

    /// <summary>Null when the call may go; otherwise how long to wait before trying again.</summary>
    public TimeSpan? Refuse(GatewayEndpoint endpoint, Guid? citizen, IPAddress? address)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        // Anonymous: per client network, an IPv6 /64 as one client (it may take a new address in it for every call).
        var who = citizen is { } id ? "c:" + id.ToString("N") : "a:" + ClientNetwork.Of(address);
        using var lease = _limiter.AttemptAcquire(new Key(endpoint.RouteId, endpoint.RateLimitPolicy, who));
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : options.Value.RateLimits[endpoint.RateLimitPolicy].Window;
    }

    public void Dispose() => _limiter.Dispose();
}
