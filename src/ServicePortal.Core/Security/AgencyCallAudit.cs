using System.Net;

namespace ServicePortal.Core.Security;

/// <summary>
/// One call from the portal to an agency backend, as the gateway's audit keeps it (<c>gateway.proxied_calls</c>).
/// Citizens' calls through the gateway and the portal's own calls from background jobs (submissions, batch
/// status) are written to the same record, so an agency's dispute ("you never sent it") is answered from one place.
/// </summary>
/// <param name="RequestId">The portal's own id of the call (the audit's key).</param>
/// <param name="Subject">The pairwise subject the agency saw in the assertion, if a citizen's.</param>
/// <param name="Endpoint">The agency endpoint's name in the catalogue.</param>
/// <param name="ClientAddress">The citizen's address for a call through the gateway; none for a job's call.</param>
/// <param name="ClientRequestId">The caller's own request id (a client's <c>X-Request-Id</c>; a job's portal reference).</param>
public sealed record AgencyCall(
    DateTimeOffset At,
    string RequestId,
    string? Subject,
    string Agency,
    string Endpoint,
    string Method,
    string Path,
    int Status,
    int DurationMs,
    long BytesIn,
    long BytesOut,
    IPAddress? ClientAddress,
    string? ClientRequestId = null);

/// <summary>
/// Records calls to agencies. Implemented by the gateway module (its bounded queue and batched writer); recording
/// never waits. A call that got no answer is recorded with status 0.
/// </summary>
public interface IAgencyCallAudit
{
    void Record(AgencyCall call);
}
