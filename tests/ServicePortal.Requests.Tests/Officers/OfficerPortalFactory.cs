namespace ServicePortal.Requests.Tests.Officers;

/// <summary>
/// The portal with the demo catalogue, without agencies or jobs: the officer's workspace reads what the submission and
/// the status sync recorded, so the tests write those records themselves and nothing moves under them. One signed-in
/// browser per role (<see cref="RoleSessions"/>).
/// </summary>
public class OfficerPortalFactory : PortalFactory
{
    public OfficerPortalFactory() => With("Catalog:SeedDemoData", "true");

    private RoleSessions? _sessions;

    public RoleSessions Sessions => _sessions ??= new RoleSessions(this);

    /// <summary>
    /// An application of <paramref name="accountId"/> as the submission and the sync would leave it: at
    /// <paramref name="status"/>, applied for <paramref name="daysAgo"/> days ago and sent at once, with its timeline.
    /// </summary>
    public async Task<string> ApplicationAsync(Guid accountId, string agency, string serviceCode, string status = "in_review",
        int daysAgo = 1, int? processingDays = 10, string answers = "{}")
    {
        var reference = ServicePortal.Requests.Applications.PortalReference.New().Value;
        var agencyReference = $"{agency.ToUpperInvariant()}-2026-{Random.Shared.Next(1_000_000):D6}";
        await ExecuteAsync(
            """
            WITH r AS (
                INSERT INTO requests.requests (reference, account_id, service_code, agency, answers, status, idempotency_key, acr,
                                               submit_path, status_path, agency_reference, processing_days, created_at, updated_at,
                                               submitted_at, closed_at, message_sw, message_en)
                VALUES (@reference, @accountId, @serviceCode, @agency, @answers::jsonb, @status, @reference, 'urn:serviceportal:loa:substantial',
                        '/applications/x', '/applications/status', @agencyReference, @processingDays, now() - make_interval(days => @daysAgo),
                        now(), now() - make_interval(days => @daysAgo),
                        CASE WHEN @status IN ('rejected', 'completed', 'cancelled') THEN now() END,
                        'Ombi linashughulikiwa', 'The application is being processed')
                RETURNING id, created_at)
            INSERT INTO requests.events (request_id, at, kind, source, status_from, status_to)
            SELECT id, created_at, 'created', 'citizen', NULL, 'queued' FROM r
            UNION ALL SELECT id, created_at, 'submitted', 'portal', 'queued', 'submitted' FROM r
            UNION ALL SELECT id, created_at + interval '1 hour', 'status', 'push', 'submitted', @status FROM r WHERE @status <> 'submitted'
            """, new { reference, accountId, serviceCode, agency, answers, status, agencyReference, processingDays, daysAgo });
        return reference;
    }

    public override async ValueTask DisposeAsync()
    {
        _sessions?.Dispose();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
