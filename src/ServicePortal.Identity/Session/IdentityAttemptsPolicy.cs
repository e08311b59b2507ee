using System.Diagnostics;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using ServicePortal.Core.Security;

namespace ServicePortal.Identity.Session;

/// <summary>
/// <see cref="IdentityModule.AttemptsPolicy"/>: the identity forms (sign-in, codes, registration, recovery)
/// accept <see cref="IdentityOptions.AttemptsPerAddressPerMinute"/> submissions per client network a minute. The
/// count is kept in PostgreSQL (<see cref="AttemptLimits"/>), so it holds however many nodes the load balancer
/// spreads a client over, and a network is an IPv4 address or an IPv6 /64 (<see cref="ClientNetwork"/>), so a
/// client cannot escape it by walking its own /64. Reading a form costs nothing and is not counted.
/// </summary>
public sealed class IdentityAttemptsPolicy(AttemptLimits limits, IOptions<IdentityOptions> options, TimeProvider clock) : IRateLimiterPolicy<string>
{
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => (context, _) =>
    {
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return ValueTask.CompletedTask;
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (HttpMethods.IsGet(httpContext.Request.Method) || HttpMethods.IsHead(httpContext.Request.Method))
        {
            return RateLimitPartition.GetNoLimiter("read");
        }

        var limit = new AttemptLimit("identity.forms_per_network", options.Value.AttemptsPerAddressPerMinute, TimeSpan.FromMinutes(1)).Validate();
        return RateLimitPartition.Get(ClientNetwork.Of(httpContext.Connection.RemoteIpAddress),
            network => new DatabaseCountLimiter(limits, limit, network, clock));
    }

    /// <summary>
    /// A limiter whose count lives in the database. It cannot answer without a round trip, so its synchronous
    /// attempt always defers to the asynchronous one (the rate-limiting middleware then awaits it), which counts.
    /// </summary>
    private sealed class DatabaseCountLimiter(AttemptLimits limits, AttemptLimit limit, string subject, TimeProvider clock) : RateLimiter
    {
        private long _lastUsed = Stopwatch.GetTimestamp();

        // Lets the partitioned limiter drop this instance when the network goes quiet (the count stays in the database).
        public override TimeSpan? IdleDuration => Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastUsed));

        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.Deferred;

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            Interlocked.Exchange(ref _lastUsed, Stopwatch.GetTimestamp());
            var tally = await limits.CountAsync(limit, subject, cancellationToken);
            return tally.Exceeded ? new Lease(false, tally.RetryAfter(clock.GetUtcNow())) : Lease.Granted;
        }

        private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
        {
            public static readonly Lease Granted = new(true, null);
            public static readonly Lease Deferred = new(false, null);

            public override bool IsAcquired => acquired;

            public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

            public override bool TryGetMetadata(string metadataName, out object? metadata)
            {
                if (metadataName == MetadataName.RetryAfter.Name && retryAfter is { } wait)
                {
                    metadata = wait;
                    return true;
                }

                metadata = null;
                return false;
            }
        }
    }
}
