using Dapper;
using Npgsql;

namespace ServicePortal.Catalog.Changes;

/// <summary>What the administrator decides about an agency itself.</summary>
internal enum AgencyDecision { Approve, Reject, Suspend, Reinstate }

/// <summary>
/// Changed: done. Stale: the agency is not the version the administrator's page showed (it asked again, another
/// administrator decided, ...), so nothing was decided. WrongStatus: the decision does not apply to its status.
/// </summary>
internal enum DecisionOutcome { Changed, NotFound, WrongStatus, Stale }

/// <summary>What an agency asks for its own entries (submit itself, retire a service, disable an endpoint).</summary>
internal enum AgencyRequestOutcome { Done, AlreadyDone, NotFound, WrongStatus }

/// <summary>
/// An agency as the administrator sees it: its texts, status, last decision and what it has live; <see cref="Version"/>
/// is what the decision forms carry, so a decision applies to the agency as the page showed it.
/// </summary>
internal sealed record AgencyRecord(long Id, string Code, string ShortName, string NameSw, string NameEn, string DescriptionSw,
    string DescriptionEn, string? Website, string Status, string? StatusReason, DateTime? StatusChangedAt,
    int PublishedServices, int ApprovedEndpoints, int Version);

/// <summary>
/// One row of an agency's history: about one of its endpoints (<see cref="Endpoint"/>), one of its services
/// (<see cref="Service"/>), or the agency itself (both null). <see cref="ChangedBy"/> as the record keeps it
/// (<c>staff:&lt;account id&gt;</c>, <c>agency:&lt;code&gt;</c>, <c>seed</c>); pages name the person (Core.Staff.Actors).
/// </summary>
internal sealed record AgencyHistoryEntry(DateTime ChangedAt, string ChangedBy, string Change, string? Endpoint, string? Service, string? Reason);

/// <summary>
/// The only writer of <c>catalog.agencies</c>, <c>catalog.agency_endpoints</c> and <c>catalog.agency_history</c>
/// (the Development seeder's demo agencies too, <c>AgencyChanges.Demo.cs</c>): changes to agencies and their endpoints, each written with its <c>agency_history</c> row (who, when, why,
/// before, after) in one transaction. The statement triggers bump the catalogue version and
/// <c>NOTIFY catalog_changed</c> at commit, so the caches, the search and the gateway (which routes only approved
/// agencies and answers 503 for a suspended one) follow on every node.
/// </summary>
internal sealed partial class AgencyChanges(NpgsqlDataSource dataSource)
{
    // The agency as history keeps it: the row without its internal id.
    private const string Snapshot = "(to_jsonb(a) - 'id')";

    /// <summary>
    /// Each decision moves the agency from exactly one status to another: approving and rejecting answer an
    /// agency that asked to join (rejecting sends it back to draft with the reason), suspending stops an approved
    /// agency, reinstating brings a suspended one back.
    /// </summary>
    public static (string From, string To, string Change) Transition(AgencyDecision decision) => decision switch
    {
        AgencyDecision.Approve => ("awaiting_approval", "approved", "approved"),
        AgencyDecision.Reject => ("awaiting_approval", "draft", "rejected"),
        AgencyDecision.Suspend => ("approved", "suspended", "suspended"),
        AgencyDecision.Reinstate => ("suspended", "approved", "reinstated"),
        _ => throw new ArgumentOutOfRangeException(nameof(decision), decision, null),
    };

    /// <summary>
    /// Takes the decision if the agency is still the <paramref name="version"/> the administrator's page showed (the row
    /// is locked from that check to commit) and its status allows it.
    /// </summary>
    public async Task<DecisionOutcome> DecideAsync(string code, AgencyDecision decision, int version, string? reason, string changedBy,
        CancellationToken cancellationToken)
    {
        var (from, to, change) = Transition(decision);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<(long Id, string Status, int Version, string Before)?>(new CommandDefinition($"""
            SELECT a.id, a.status, a.version, {Snapshot}::text FROM catalog.agencies a WHERE a.code = @code FOR UPDATE
            """, new { code }, transaction, cancellationToken: cancellationToken));
        if (current is not { } found)
        {
            return DecisionOutcome.NotFound;
        }

        if (found.Version != version)
        {
            return DecisionOutcome.Stale;
        }

        if (found.Status != from)
        {
            return DecisionOutcome.WrongStatus;
        }

        await connection.ExecuteAsync(new CommandDefinition($"""
            WITH changed AS (
                UPDATE catalog.agencies a
                   SET status = @to, status_reason = @reason, status_changed_at = now(), updated_at = now(), version = version + 1
                 WHERE a.id = @id
                RETURNING a.*)
            INSERT INTO catalog.agency_history (agency_id, changed_by, change, reason, before, after)
            SELECT a.id, @changedBy, @change, @reason, @before::jsonb, {Snapshot} FROM changed a
            """, new { id = found.Id, to, reason, changedBy, change, before = found.Before }, transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return DecisionOutcome.Changed;
    }

    /// <summary>
    /// The agency asks to join: draft → awaiting_approval (the last rejection reason is cleared, as a proposal's
    /// is). <see cref="AgencyRequestOutcome.AlreadyDone"/> when it is already waiting; WrongStatus when approved
    /// or suspended.
    /// </summary>
    public async Task<AgencyRequestOutcome> SubmitAsync(long agencyId, string changedBy, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<(string Status, string Before)?>(new CommandDefinition($"""
            SELECT a.status, {Snapshot}::text FROM catalog.agencies a WHERE a.id = @agencyId FOR UPDATE
            """, new { agencyId }, transaction, cancellationToken: cancellationToken));
        if (current is not { } found)
        {
            return AgencyRequestOutcome.NotFound;
        }

        switch (found.Status)
        {
            case "awaiting_approval":
                return AgencyRequestOutcome.AlreadyDone;
            case not "draft":
                return AgencyRequestOutcome.WrongStatus;
        }

        await connection.ExecuteAsync(new CommandDefinition($"""
            WITH changed AS (
                UPDATE catalog.agencies a
                   SET status = 'awaiting_approval', status_reason = NULL, status_changed_at = now(), updated_at = now(),
                       version = version + 1
                 WHERE a.id = @agencyId
                RETURNING a.*)
            INSERT INTO catalog.agency_history (agency_id, changed_by, change, before, after)
            SELECT a.id, @changedBy, 'submitted', @before::jsonb, {Snapshot} FROM changed a
            """, new { agencyId, changedBy, before = found.Before }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return AgencyRequestOutcome.Done;
    }

    /// <summary>
    /// The agency stops one of its live endpoints at once (a broken backend must be stoppable without waiting
    /// for anyone): status <c>disabled</c>, so the gateway answers 503 for it after the next reload (a second or
    /// two). Already disabled: nothing is written (a retried call is harmless). Not its endpoint, or only a
    /// proposal: NotFound.
    /// </summary>
    public async Task<AgencyRequestOutcome> DisableEndpointAsync(long agencyId, string name, string reason, string changedBy,
        CancellationToken cancellationToken)
    {
        const string EndpointSnapshot = "(to_jsonb(e) - 'id' - 'agency_id')";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<(long Id, string Status, string Before)?>(new CommandDefinition($"""
            SELECT e.id, e.status, {EndpointSnapshot}::text FROM catalog.agency_endpoints e
             WHERE e.agency_id = @agencyId AND e.name = @name FOR UPDATE
            """, new { agencyId, name }, transaction, cancellationToken: cancellationToken));
        if (current is not { } found)
        {
            return AgencyRequestOutcome.NotFound;
        }

        if (found.Status == "disabled")
        {
            return AgencyRequestOutcome.AlreadyDone;
        }

        await connection.ExecuteAsync(new CommandDefinition($"""
            WITH changed AS (
                UPDATE catalog.agency_endpoints e SET status = 'disabled', updated_at = now(), version = version + 1
                 WHERE e.id = @id
                RETURNING e.*)
            INSERT INTO catalog.agency_history (agency_id, endpoint_id, changed_by, change, reason, before, after)
            SELECT e.agency_id, e.id, @changedBy, 'disabled', @reason, @before::jsonb, {EndpointSnapshot} FROM changed e
            """, new { id = found.Id, changedBy, reason, before = found.Before }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return AgencyRequestOutcome.Done;
    }

    private const string RecordColumns = """
        a.id, a.code, a.short_name AS shortname, a.name_sw AS namesw, a.name_en AS nameen,
        a.description_sw AS descriptionsw, a.description_en AS descriptionen, a.website, a.status,
        a.status_reason AS statusreason, a.status_changed_at AS statuschangedat,
        (SELECT count(*)::int FROM catalog.services s WHERE s.agency_id = a.id AND s.status = 'published') AS publishedservices,
        (SELECT count(*)::int FROM catalog.agency_endpoints e WHERE e.agency_id = a.id AND e.status = 'approved') AS approvedendpoints,
        a.version
        """;

    public async Task<AgencyRecord?> FindAsync(string code, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AgencyRecord>(new CommandDefinition(
            $"SELECT {RecordColumns} FROM catalog.agencies a WHERE a.code = @code",
            new { code }, cancellationToken: cancellationToken));
    }

    public async Task<AgencyRecord?> FindAsync(long agencyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AgencyRecord>(new CommandDefinition(
            $"SELECT {RecordColumns} FROM catalog.agencies a WHERE a.id = @agencyId",
            new { agencyId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Agencies for the administrator: those waiting for a decision first, then suspended ones, then the rest,
    /// each by Kiswahili name. <paramref name="status"/> narrows the list to one status.
    /// </summary>
    public async Task<IReadOnlyList<AgencyRecord>> ListAsync(string? status, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AgencyRecord>(new CommandDefinition($"""
            SELECT {RecordColumns} FROM catalog.agencies a
             WHERE @status::text IS NULL OR a.status = @status
             ORDER BY CASE a.status WHEN 'awaiting_approval' THEN 0 WHEN 'suspended' THEN 1 WHEN 'draft' THEN 2 ELSE 3 END,
                      a.name_sw, a.code
            """, new { status }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    /// <summary>The newest history rows of an agency, its endpoints and its services, newest first.</summary>
    public async Task<IReadOnlyList<AgencyHistoryEntry>> ListHistoryAsync(long agencyId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AgencyHistoryEntry>(new CommandDefinition("""
            SELECT changedat, changedby, change, endpoint, service, reason FROM (
              (SELECT h.changed_at AS changedat, h.changed_by AS changedby, h.change, e.name AS endpoint, NULL::text AS service,
                      h.reason, h.id
                 FROM catalog.agency_history h LEFT JOIN catalog.agency_endpoints e ON e.id = h.endpoint_id
                WHERE h.agency_id = @agencyId
                ORDER BY h.changed_at DESC, h.id DESC LIMIT @limit)
              UNION ALL
              (SELECT h.changed_at, h.changed_by, h.change, NULL, s.code, h.reason, h.id
                 FROM catalog.service_history h JOIN catalog.services s ON s.id = h.service_id
                WHERE s.agency_id = @agencyId
                ORDER BY h.changed_at DESC, h.id DESC LIMIT @limit)) rows
            ORDER BY changedat DESC, id DESC
            LIMIT @limit
            """, new { agencyId, limit }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    /// <summary>
    /// Publishes an agency's submitted endpoint proposal inside the approval's transaction
    /// (<see cref="Onboarding.AgencyProposals.ApproveAsync"/>, which has locked the proposal at the version reviewed and
    /// removes it after this): creates or replaces the live endpoint and writes the <c>approved</c> history row, as
    /// <see cref="ServiceChanges.PublishProposalAsync"/> does for a service. This is what publishes a route: the gateway
    /// serves approved rows, and the statement trigger's NOTIFY catalog_changed (at commit) tells it and every node's
    /// cache to reload.
    /// </summary>
    public static async Task PublishEndpointProposalAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        LockedProposal proposal, string changedBy, CancellationToken cancellationToken)
    {
        var proposalId = proposal.Id;
        const string Snapshot = "(to_jsonb(e) - 'id' - 'agency_id')";
        var before = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition($"""
            SELECT {Snapshot}::text FROM catalog.agency_endpoints e WHERE agency_id = @AgencyId AND name = @Key FOR UPDATE
            """, new { proposal.AgencyId, proposal.Key }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition($"""
            WITH p AS (SELECT body AS b, agency_id, key FROM catalog.proposals WHERE id = @proposalId),
                 saved AS (
                   INSERT INTO catalog.agency_endpoints AS e (agency_id, name, destinations, health_check_path,
                          health_check_interval_seconds, timeout_seconds, max_request_body_bytes, auth_requirement,
                          rate_limit_policy, status)
                   SELECT agency_id, key, b->'destinations', b->>'health_check_path',
                          (b->>'health_check_interval_seconds')::integer, (b->>'timeout_seconds')::integer,
                          (b->>'max_request_body_bytes')::bigint, b->>'auth_requirement', b->>'rate_limit_policy', 'approved'
                     FROM p
                   ON CONFLICT (agency_id, name) DO UPDATE SET
                          destinations = EXCLUDED.destinations, health_check_path = EXCLUDED.health_check_path,
                          health_check_interval_seconds = EXCLUDED.health_check_interval_seconds,
                          timeout_seconds = EXCLUDED.timeout_seconds, max_request_body_bytes = EXCLUDED.max_request_body_bytes,
                          auth_requirement = EXCLUDED.auth_requirement, rate_limit_policy = EXCLUDED.rate_limit_policy,
                          status = 'approved', updated_at = now(), version = e.version + 1
                   RETURNING e.*)
            INSERT INTO catalog.agency_history (agency_id, endpoint_id, changed_by, change, before, after)
            SELECT e.agency_id, e.id, @changedBy, 'approved', @before::jsonb, {Snapshot} FROM saved e;
            """, new { proposalId, changedBy, before }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The <c>rejected</c> history row of a live endpoint whose proposal the administrator sent back (who, when, why,
    /// and what was proposed), in the rejection's transaction; the live endpoint itself does not change. Nothing when
    /// the proposal was for a new endpoint.
    /// </summary>
    public static Task RecordRejectedProposalAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        LockedProposal proposal, string reason, string changedBy, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO catalog.agency_history (agency_id, endpoint_id, changed_by, change, reason, before, after, proposed)
            SELECT e.agency_id, e.id, @changedBy, 'rejected', @reason, to_jsonb(e) - 'id' - 'agency_id',
                   to_jsonb(e) - 'id' - 'agency_id', @body::jsonb
              FROM catalog.agency_endpoints e WHERE e.agency_id = @AgencyId AND e.name = @Key
            """, new { proposal.Key, proposal.AgencyId, body = proposal.Body, reason, changedBy }, transaction,
            cancellationToken: cancellationToken));

    /// <summary>The newest history rows of one service, or of one endpoint of an agency (what an approval page shows).</summary>
    public async Task<IReadOnlyList<AgencyHistoryEntry>> ListEntryHistoryAsync(bool service, string agencyCode, string key, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AgencyHistoryEntry>(new CommandDefinition(service
            ? """
              SELECT h.changed_at AS changedat, h.changed_by AS changedby, h.change, NULL::text AS endpoint, s.code AS service, h.reason
                FROM catalog.service_history h JOIN catalog.services s ON s.id = h.service_id
                JOIN catalog.agencies a ON a.id = s.agency_id
               WHERE s.code = @key AND a.code = @agencyCode
               ORDER BY h.changed_at DESC, h.id DESC LIMIT @limit
              """
            : """
              SELECT h.changed_at AS changedat, h.changed_by AS changedby, h.change, e.name AS endpoint, NULL::text AS service, h.reason
                FROM catalog.agency_history h JOIN catalog.agency_endpoints e ON e.id = h.endpoint_id
                JOIN catalog.agencies a ON a.id = e.agency_id
               WHERE e.name = @key AND a.code = @agencyCode
               ORDER BY h.changed_at DESC, h.id DESC LIMIT @limit
              """, new { agencyCode, key, limit }, cancellationToken: cancellationToken));
        return [.. rows];
    }
}
