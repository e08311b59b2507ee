using System.Diagnostics.Metrics;
using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using ServicePortal.Core.Security;

namespace ServicePortal.Gateway.Audit;

/// <summary>
/// The bounded queue between the request path and the audit writer. Recording never waits: when the queue is
/// full (the database has been away long enough to fill it) the record is dropped and counted, because
/// blocking citizens' calls on the audit would turn a database hiccup into an outage. Depth and drops are
/// metrics (<c>serviceportal.gateway.audit.*</c>) to alert on.
/// </summary>
internal sealed class ProxyAudit : IAgencyCallAudit, IDisposable
{
    public const string MeterName = "ServicePortal.Gateway";

    private readonly Channel<AgencyCall> _queue;
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _dropped;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _depth;
    private long _droppedTotal;

    public ProxyAudit(IOptions<GatewayOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Capacity = options.Value.AuditQueueCapacity;
        _queue = Channel.CreateBounded<AgencyCall>(
            new BoundedChannelOptions(Capacity)
            {
                FullMode = BoundedChannelFullMode.DropWrite,
                SingleReader = true,
                SingleWriter = false,
            },
            _ =>
            {
                // DropWrite: TryWrite says true and the record is not queued; Record counts it in, this counts it out.
                Interlocked.Decrement(ref _depth);
                CountDrop();
            });
        _dropped = _meter.CreateCounter<long>("serviceportal.gateway.audit.dropped", "{record}",
            "Audit records dropped because the queue was full or closed");
        _meter.CreateObservableGauge("serviceportal.gateway.audit.queue_depth", () => Interlocked.Read(ref _depth), "{record}",
            "Audit records waiting to be written");
        Written = _meter.CreateCounter<long>("serviceportal.gateway.audit.written", "{record}", "Audit records written");
    }

    public int Capacity { get; }

    public long Depth => Interlocked.Read(ref _depth);

    public long DroppedTotal => Interlocked.Read(ref _droppedTotal);

    internal Counter<long> Written { get; }

    internal ChannelReader<AgencyCall> Reader => _queue.Reader;

    public void Record(AgencyCall call)
    {
        if (_queue.Writer.TryWrite(call))
        {
            Interlocked.Increment(ref _depth);
        }
        else
        {
            CountDrop(); // closed: the node is past its drain at shutdown
        }
    }

    internal void Taken(int count) => Interlocked.Add(ref _depth, -count);

    /// <summary>Completes when the queue is closed (records may still be in it; the reader's completion waits for those).</summary>
    internal Task Closed => _closed.Task;

    /// <summary>No more records: the writer drains what is queued and stops.</summary>
    internal void Close()
    {
        _queue.Writer.TryComplete();
        _closed.TrySetResult();
    }

    public void Dispose() => _meter.Dispose();

    private void CountDrop()
    {
        Interlocked.Increment(ref _droppedTotal);
        _dropped.Add(1);
    }
}
