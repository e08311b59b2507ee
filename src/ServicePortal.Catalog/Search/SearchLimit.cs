using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using ServicePortal.Catalog.Caching;
using ServicePortal.Core.Security;

namespace ServicePortal.Catalog.Search;

/// <summary>How many searches one client network may make per window, on each node (<c>Catalog:SearchLimit</c>).</summary>
public sealed class SearchLimitOptions
{
    /// <summary>Searches (the results page and the API together) per network per window.</summary>
    public int PermitLimit { get; set; } = 600;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The limit on catalogue searches (<c>/huduma</c> and <c>GET /api/catalog/services</c>): a fixed window per client
/// network (<see cref="ClientNetwork"/>: an IPv4 address, an IPv6 /64) on each node, with ASP.NET's rate limiter.
/// Past it: 429 with <c>Retry-After</c>; the web shell's status pages make that a page in the person's language or,
/// for the API, an RFC 9457 problem.
/// </summary>
/// <remarks>
/// Per node, in memory, on purpose: a search is cheap (an indexed query, most answers cached) and frequent, so a
/// shared counter in PostgreSQL would cost more than the search it guards; the limit only has to stop one network
/// from flooding a node. With N nodes a network may make up to N times the limit.
/// The default, 600 a minute (10 a second), is set for carrier-grade NAT: Tanzania's mobile operators put thousands
/// of subscribers behind one public IPv4 address. Say 2,000 people share one, 2% of them search the portal in the
/// same minute and each makes 3 searches: 120 a minute. 600 leaves five times that, while one machine flooding a
/// node is still held to 10 searches a second.
/// </remarks>
public sealed class SearchLimit(IOptions<CatalogOptions> options) : IRateLimiterPolicy<string>
{
    public const string PolicyName = "catalog-search";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = (context, _) =>
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return ValueTask.CompletedTask;
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var limit = options.Value.SearchLimit;
        return RateLimitPartition.GetFixedWindowLimiter(ClientNetwork.Of(httpContext.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit,
            Window = limit.Window,
            QueueLimit = 0,
        });
    }
}
