using Dapper;
using Npgsql;

namespace ServicePortal.Catalog.Changes;

/// <summary>
/// Changes to services, each written with its history row (who, when, before, after) in one transaction.
/// The approval pages (publishing an agency's proposal) and the demo seeder go through here.
/// </summary>
internal sealed partial class ServiceChanges(NpgsqlDataSource dataSource)
{
    public static readonly IReadOnlySet<string> Statuses =
        new HashSet<string>(["draft", "awaiting_approval", "published", "retired"], StringComparer.Ordinal);

    /// <summary>Moves a service to another status. False when there is no service by that code.</summary>
    public async Task<bool> ChangeStatusAsync(string code, string status, string changedBy, string change, string? reason,
        CancellationToken cancellationToken)
    {
        if (!Statuses.Contains(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "not a service status");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<(long Id, string Before)?>(new CommandDefinition("""
            SELECT id, catalog.service_snapshot(id)::text FROM catalog.services WHERE code = @code FOR UPDATE
            """, new { code }, transaction, cancellationToken: cancellationToken));
        if (current is not { } found)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE catalog.services
               SET status = @status, updated_at = now(), version = version + 1,
                   published_at = CASE WHEN @status = 'published' THEN now() ELSE published_at END
             WHERE id = @id
            """, new { id = found.Id, status }, transaction, cancellationToken: cancellationToken));
        await RecordAsync(connection, transaction, [found.Id], changedBy, change, reason, found.Before, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// The agency withdraws one of its live services at once (an agency must be able to stop a broken or abolished
    /// service without waiting for anyone): status <c>retired</c>, with the <c>retired</c> history row and the
    /// agency's reason. It leaves the search, the lists and the export at commit. Already retired: nothing is
    /// written (a retried call is harmless). Not the agency's service, or only a proposal: NotFound. A proposal
    /// for the same code stays; approving it publishes the service again.
    /// </summary>
    public async Task<AgencyRequestOutcome> RetireAsync(long agencyId, string code, string reason, string changedBy,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<(long Id, string Status, string Before)?>(new CommandDefinition("""
            SELECT id, status, catalog.service_snapshot(id)::text FROM catalog.services
             WHERE code = @code AND agency_id = @agencyId FOR UPDATE
            """, new { code, agencyId }, transaction, cancellationToken: cancellationToken));
        if (current is not { } found)
        {
            return AgencyRequestOutcome.NotFound;
        }

        if (found.Status == "retired")
        {
            return AgencyRequestOutcome.AlreadyDone;
        }

        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE catalog.services SET status = 'retired', updated_at = now(), version = version + 1 WHERE id = @id
            """, new { id = found.Id }, transaction, cancellationToken: cancellationToken));
        await RecordAsync(connection, transaction, [found.Id], changedBy, "retired", reason, found.Before, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return AgencyRequestOutcome.Done;
    }

    /// <summary>
    /// Publishes an agency's submitted proposal (<c>catalog.proposals</c>, kind <c>service</c>) inside the approval's
    /// transaction (<see cref="Onboarding.AgencyProposals.ApproveAsync"/>, which has locked the proposal and removes it
    /// after this): creates or replaces the live service with it, relinks its life events and writes the
    /// <c>approved</c> history row (before: the live service or null; after: what is now published). The statement
    /// triggers bump the catalogue version and <c>NOTIFY catalog_changed</c>, so caches on every node and the search
    /// see it at commit.
    /// </summary>
    public static async Task PublishProposalAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        LockedProposal found, string changedBy, CancellationToken cancellationToken)
    {
        var proposalId = found.Id;
        var before = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition("""
            SELECT catalog.service_snapshot(id)::text FROM catalog.services WHERE code = @code AND agency_id = @agencyId FOR UPDATE
            """, new { code = found.Key, agencyId = found.AgencyId }, transaction, cancellationToken: cancellationToken));
        // The body's keys are the snapshot's (ServiceProposal.ToBody); the validator kept every value within the
        // table's CHECKs. ON CONFLICT ... WHERE: a code can never move to another agency.
        var serviceId = await connection.QuerySingleAsync<long>(new CommandDefinition("""
            WITH p AS (SELECT body AS b, agency_id FROM catalog.proposals WHERE id = @proposalId)
            INSERT INTO catalog.services AS s (code, agency_id, category_id, name_sw, name_en, summary_sw, summary_en,
                   description_sw, description_en, channels, cost_tzs, cost_paid, cost_note_sw, cost_note_en,
                   processing_days, eligibility, evidence, output_sw, output_en, legal_basis, keywords_sw, keywords_en,
                   status, form_schema, submit_path, status_path, published_at)
            SELECT @code, p.agency_id, c.id, b->>'name_sw', b->>'name_en', b->>'summary_sw', b->>'summary_en',
                   b->>'description_sw', b->>'description_en', ARRAY(SELECT jsonb_array_elements_text(b->'channels')),
                   (b->>'cost_tzs')::bigint, b->>'cost_paid', b->>'cost_note_sw', b->>'cost_note_en',
                   (b->>'processing_days')::integer, b->'eligibility', b->'evidence', b->>'output_sw', b->>'output_en',
                   b->'legal_basis', ARRAY(SELECT jsonb_array_elements_text(b->'keywords_sw')),
                   ARRAY(SELECT jsonb_array_elements_text(b->'keywords_en')), 'published',
                   CASE WHEN jsonb_typeof(b->'form_schema') = 'object' THEN b->'form_schema' END,
                   b->>'submit_path', b->>'status_path', now()
              FROM p JOIN catalog.categories c ON c.code = p.b->>'category'
            ON CONFLICT (code) DO UPDATE SET
                   category_id = EXCLUDED.category_id, name_sw = EXCLUDED.name_sw, name_en = EXCLUDED.name_en,
                   summary_sw = EXCLUDED.summary_sw, summary_en = EXCLUDED.summary_en,
                   description_sw = EXCLUDED.description_sw, description_en = EXCLUDED.description_en,
                   channels = EXCLUDED.channels, cost_tzs = EXCLUDED.cost_tzs, cost_paid = EXCLUDED.cost_paid,
                   cost_note_sw = EXCLUDED.cost_note_sw, cost_note_en = EXCLUDED.cost_note_en,
                   processing_days = EXCLUDED.processing_days, eligibility = EXCLUDED.eligibility,
                   evidence = EXCLUDED.evidence, output_sw = EXCLUDED.output_sw, output_en = EXCLUDED.output_en,
                   legal_basis = EXCLUDED.legal_basis, keywords_sw = EXCLUDED.keywords_sw, keywords_en = EXCLUDED.keywords_en,
                   status = 'published', form_schema = EXCLUDED.form_schema, submit_path = EXCLUDED.submit_path,
                   status_path = EXCLUDED.status_path, published_at = now(), updated_at = now(), version = s.version + 1
             WHERE s.agency_id = EXCLUDED.agency_id
            RETURNING s.id
            """, new { proposalId, code = found.Key }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("""
            DELETE FROM catalog.service_life_events WHERE service_id = @serviceId;
            INSERT INTO catalog.service_life_events (service_id, life_event_id)
            SELECT @serviceId, e.id FROM catalog.life_events e
             WHERE e.code IN (SELECT jsonb_array_elements_text(body->'life_events') FROM catalog.proposals WHERE id = @proposalId);
            """, new { serviceId, proposalId }, transaction, cancellationToken: cancellationToken));
        await RecordAsync(connection, transaction, [serviceId], changedBy, "approved", null, before, cancellationToken);
    }

    /// <summary>
    /// The <c>rejected</c> history row of a live service whose proposal the administrator sent back (who, when, why,
    /// and what was proposed), in the rejection's transaction; the live service itself does not change. Nothing when
    /// the proposal was for a new service (no live row to write history on).
    /// </summary>
    public static Task RecordRejectedProposalAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        LockedProposal proposal, string reason, string changedBy, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO catalog.service_history (service_id, changed_by, change, reason, before, after, proposed)
            SELECT s.id, @changedBy, 'rejected', @reason, catalog.service_snapshot(s.id), catalog.service_snapshot(s.id), @body::jsonb
              FROM catalog.services s WHERE s.code = @Key AND s.agency_id = @AgencyId
            """, new { proposal.Key, proposal.AgencyId, body = proposal.Body, reason, changedBy }, transaction,
            cancellationToken: cancellationToken));

    /// <summary>
    /// Writes the history row of services just changed in <paramref name="transaction"/>: the snapshot taken
    /// before the change (null for a new service) and the one after it.
    /// </summary>
    internal static Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long[] serviceIds,
        string changedBy, string change, string? reason, string? before, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO catalog.service_history (service_id, changed_by, change, reason, before, after)
            SELECT id, @changedBy, @change, @reason, @before::jsonb, catalog.service_snapshot(id)
              FROM unnest(@serviceIds) AS id
            """, new { serviceIds, changedBy, change, reason, before }, transaction, cancellationToken: cancellationToken));
}
