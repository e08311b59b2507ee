using System.ComponentModel.DataAnnotations;

namespace ServicePortal.Gateway;

/// <summary>Gateway settings (section <c>Gateway</c>), validated at start-up.</summary>
internal sealed class GatewayOptions
{
    /// <summary>How often a node reads the catalogue version itself, to catch a change notification it missed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReloadCheckInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Rate-limit policies an endpoint may name (<c>rate_limit_policy</c>): permits per window, per citizen when
    /// signed in, else per client address. An endpoint naming a policy not listed here is not routed.
    /// </summary>
    public Dictionary<string, GatewayRateLimit> RateLimits { get; } = new(StringComparer.Ordinal)
    {
        ["standard"] = new() { PermitLimit = 600, Window = TimeSpan.FromMinutes(1) },
        ["strict"] = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) },
        ["bulk"] = new() { PermitLimit = 6000, Window = TimeSpan.FromMinutes(1) },
    };

    /// <summary>Audit records waiting to be written, at most. Past it, new records are dropped and counted.</summary>
    [Range(1_000, 10_000_000)]
    public int AuditQueueCapacity { get; set; } = 200_000;

    /// <summary>
    /// How long the writer lets records gather before a COPY that is not full: fewer, larger writes under load,
    /// and a record is in the table this long after its call at most (while the database answers).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan AuditFlushInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Records written by one COPY, at most.</summary>
    [Range(1, 100_000)]
    public int AuditBatchSize { get; set; } = 5_000;
}

internal sealed class GatewayRateLimit
{
    [Range(1, 10_000_000)]
    public int PermitLimit { get; set; } = 600;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
