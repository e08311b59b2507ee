using System.ComponentModel.DataAnnotations;

namespace ServicePortal.Requests;

/// <summary>Requests settings (section <c>Requests</c>), validated at start-up.</summary>
internal sealed class RequestsOptions
{
    /// <summary>Run the background jobs (submission, status sync) on this node. Off for a node that only serves pages.</summary>
    public bool RunJobs { get; set; } = true;

    /// <summary>How often each agency is asked about its open requests, unless <see cref="SyncIntervals"/> says otherwise.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Per-agency intervals (key: agency code).</summary>
    public Dictionary<string, TimeSpan> SyncIntervals { get; } = new(StringComparer.Ordinal);

    /// <summary>Failed passes in a row after which an agency's circuit opens.</summary>
    [Range(1, 100)]
    public int CircuitThreshold { get; set; } = 3;

    /// <summary>Hangfire workers on this node.</summary>
    [Range(1, 100)]
    public int Workers { get; set; } = 4;

    /// <summary>
    /// The days an agency officer's workspace counts against when the service's catalogue entry promised none
    /// (<c>Requests:DefaultProcessingDays</c>; 14 unless set).
    /// </summary>
    [Range(1, 365)]
    public int DefaultProcessingDays { get; set; } = 14;

    public TimeSpan IntervalFor(string agency) => SyncIntervals.TryGetValue(agency, out var interval) ? interval : SyncInterval;
}
