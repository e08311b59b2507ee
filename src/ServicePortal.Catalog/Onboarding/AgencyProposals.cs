using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using ServicePortal.Catalog.Changes;

namespace ServicePortal.Catalog.Onboarding;

internal enum SaveOutcome { Saved, NotYours }

internal enum SubmitOutcome { Submitted, NotFound, AlreadySubmitted }

/// <summary>
/// What became of an administrator's decision on a proposal: done; refused because the proposal is not the version
/// the administrator reviewed (the agency changed it since); or refused because it no longer awaits a decision.
/// </summary>
internal enum ProposalDecisionOutcome { Done, Changed, NotAwaiting }

/// <summary>An agency's entry as its own list shows it: the live row (if any) and its proposal (if any).</summary>
internal sealed record AgencyEntry(string Key, string? LiveStatus, string? ProposalStatus, string? RejectionReason,
    DateTime? ProposalUpdatedAt, string? Proposal);

/// <summary>A proposal waiting for the administrator.</summary>
internal sealed record AwaitingProposal(long Id, string Kind, string AgencyCode, string AgencyNameSw, string AgencyNameEn,
    string Key, DateTime SubmittedAt, bool IsNew);

/// <summary>
/// A proposal with the live entry it would replace (null for a new one), both with the same keys. <see cref="Version"/>
/// is what the review page carries, so a decision applies to exactly what was shown.
/// </summary>
internal sealed record ProposalReview(long Id, string Kind, string AgencyCode, string Key, string Status, string Body,
    string? Live, string? RejectionReason, int Version);

/// <summary>
/// What agencies propose (<c>catalog.proposals</c>) and what the administrator decides. The live service or
/// endpoint is not touched until approval, so citizens and the gateway keep the published version meanwhile.
/// </summary>
internal sealed class AgencyProposals(NpgsqlDataSource dataSource)
{
    public const string ServiceKind = "service";
    public const string EndpointKind = "endpoint";

    public async Task<long?> FindAgencyIdAsync(string agencyCode, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT id FROM catalog.agencies WHERE code = @agencyCode",
            new { agencyCode }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Saves the agency's proposal as a draft (a submitted one goes back to draft: it changed after it was
    /// sent). <see cref="SaveOutcome.NotYours"/> when another agency owns the code, live or proposed.
    /// </summary>
    public async Task<SaveOutcome> SaveAsync(string kind, long agencyId, string key, JsonObject body, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (kind == ServiceKind)
        {
            var owner = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
                "SELECT agency_id FROM catalog.services WHERE code = @key",
                new { key }, cancellationToken: cancellationToken));
            if (owner is { } other && other != agencyId)
            {
                return SaveOutcome.NotYours;
            }
        }

        // A service's proposal is unique by code alone, an endpoint's within its agency; the WHERE keeps another
        // agency's proposal of the same code untouched (and then no row comes back).
        var conflict = kind == ServiceKind ? "(key) WHERE kind = 'service'" : "(agency_id, key) WHERE kind = 'endpoint'";
        var saved = await connection.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO catalog.proposals AS p (kind, agency_id, key, body)
            VALUES (@kind, @agencyId, @key, @body::jsonb)
            ON CONFLICT {conflict} DO UPDATE
               SET body = EXCLUDED.body, status = 'draft', updated_at = now(), submitted_at = NULL, version = p.version + 1
             WHERE p.agency_id = EXCLUDED.agency_id
            """, new { kind, agencyId, key, body = body.ToJsonString() }, cancellationToken: cancellationToken));
        return saved == 1 ? SaveOutcome.Saved : SaveOutcome.NotYours;
    }

    /// <summary>The agency's own entries of one kind: live ones and proposals, drafts included.</summary>
    public async Task<IReadOnlyList<AgencyEntry>> ListAsync(string kind, long agencyId, CancellationToken cancellationToken)
    {
        var live = kind == ServiceKind
            ? "SELECT code AS key, status FROM catalog.services WHERE agency_id = @agencyId"
            : "SELECT name AS key, status FROM catalog.agency_endpoints WHERE agency_id = @agencyId";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AgencyEntry>(new CommandDefinition($"""
            WITH live AS ({live}),
                 proposed AS (SELECT key, status, rejection_reason, updated_at, body
                                FROM catalog.proposals WHERE kind = @kind AND agency_id = @agencyId)
            SELECT coalesce(l.key, p.key) AS key, l.status AS livestatus, p.status AS proposalstatus,
                   p.rejection_reason AS rejectionreason, p.updated_at AS proposalupdatedat, p.body::text AS proposal
              FROM live l FULL JOIN proposed p ON p.key = l.key
             ORDER BY 1
            """, new { kind, agencyId }, cancellationToken: cancellationToken));
        return [.. rows];
    }

    public async Task<SubmitOutcome> SubmitAsync(string kind, long agencyId, string key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var status = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition("""
            WITH found AS (SELECT id, status FROM catalog.proposals
                            WHERE kind = @kind AND agency_id = @agencyId AND key = @key FOR UPDATE),
                 moved AS (UPDATE catalog.proposals p SET status = 'awaiting_approval', submitted_at = now(),
                                  rejection_reason = NULL, updated_at = now(), version = p.version + 1
                             FROM found WHERE p.id = found.id AND found.status = 'draft' RETURNING p.id)
            SELECT found.status FROM found
            """, new { kind, agencyId, key }, cancellationToken: cancellationToken));
        return status switch
        {
            null => SubmitOutcome.NotFound,
            "draft" => SubmitOutcome.Submitted,
            _ => SubmitOutcome.AlreadySubmitted,
        };
    }

    /// <summary>Everything awaiting approval, by agency, oldest first.</summary>
    public async Task<IReadOnlyList<AwaitingProposal>> ListAwaitingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AwaitingProposal>(new CommandDefinition("""
            SELECT p.id, p.kind, a.code AS agencycode, a.name_sw AS agencynamesw, a.name_en AS agencynameen,
                   p.key, p.submitted_at AS submittedat,
                   CASE p.kind WHEN 'service' THEN NOT EXISTS (SELECT 1 FROM catalog.services s WHERE s.code = p.key)
                               ELSE NOT EXISTS (SELECT 1 FROM catalog.agency_endpoints e
                                                 WHERE e.agency_id = p.agency_id AND e.name = p.key) END AS isnew
              FROM catalog.proposals p JOIN catalog.agencies a ON a.id = p.agency_id
             WHERE p.status = 'awaiting_approval'
             ORDER BY a.code, p.submitted_at, p.id
            """, cancellationToken: cancellationToken));
        return [.. rows];
    }

    /// <summary>A proposal and the live entry it would replace, with the same keys, for the approval page.</summary>
    public async Task<ProposalReview?> FindReviewAsync(string kind, string? agencyCode, string key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ProposalReview>(new CommandDefinition("""
            SELECT p.id, p.kind, a.code AS agencycode, p.key, p.status, p.body::text AS body,
                   CASE p.kind
                     WHEN 'service' THEN (SELECT catalog.service_snapshot(s.id)::text FROM catalog.services s
                                           WHERE s.code = p.key AND s.agency_id = p.agency_id)
                     ELSE (SELECT (to_jsonb(e) - 'id' - 'agency_id' || jsonb_build_object('agency', a.code))::text
                             FROM catalog.agency_endpoints e WHERE e.agency_id = p.agency_id AND e.name = p.key)
                   END AS live,
                   p.rejection_reason AS rejectionreason, p.version
              FROM catalog.proposals p JOIN catalog.agencies a ON a.id = p.agency_id
             WHERE p.kind = @kind AND p.key = @key AND (@agencyCode::text IS NULL OR a.code = @agencyCode)
            """, new { kind, agencyCode, key }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Approves a submitted proposal, if it is still the <paramref name="version"/> the administrator reviewed: the
    /// service is published, or the endpoint approved for the gateway.
    /// </summary>
    public async Task<ProposalDecisionOutcome> ApproveAsync(string kind, long proposalId, int version, string changedBy,
        CancellationToken cancellationToken)
    {
        // One transaction, owned here: the proposal is locked at the version reviewed (held until commit, so the agency
        // cannot change it between the check and the statements that apply it), the change classes write the live entry
        // and its history, and the consumed proposal is removed by its owner.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LockAwaitingAsync(connection, transaction, kind, proposalId, version, cancellationToken) is not { } proposal)
        {
            await transaction.RollbackAsync(cancellationToken);
            return await WhyNotAsync(proposalId, cancellationToken);
        }

        if (kind == ServiceKind)
        {
            await ServiceChanges.PublishProposalAsync(connection, transaction, proposal, changedBy, cancellationToken);
        }
        else
        {
            await AgencyChanges.PublishEndpointProposalAsync(connection, transaction, proposal, changedBy, cancellationToken);
        }

        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM catalog.proposals WHERE id = @proposalId",
            new { proposalId }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return ProposalDecisionOutcome.Done;
    }

    private static Task<LockedProposal?> LockAwaitingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string kind, long proposalId, int version, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<LockedProposal?>(new CommandDefinition("""
            SELECT id AS Id, kind AS Kind, agency_id AS AgencyId, key AS Key, body::text AS Body FROM catalog.proposals
             WHERE id = @proposalId AND kind = @kind AND status = 'awaiting_approval' AND version = @version FOR UPDATE
            """, new { proposalId, kind, version }, transaction, cancellationToken: cancellationToken));

    // Asked only after a refusal: a proposal still awaiting approval was refused for its version.
    private async Task<ProposalDecisionOutcome> WhyNotAsync(long proposalId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var status = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT status FROM catalog.proposals WHERE id = @proposalId", new { proposalId }, cancellationToken: cancellationToken));
        return status == "awaiting_approval" ? ProposalDecisionOutcome.Changed : ProposalDecisionOutcome.NotAwaiting;
    }

    /// <summary>
    /// Sends a submitted proposal back to the agency as a draft, with the reason it will read in its list. When the
    /// proposal would have changed a live service or endpoint, that entry's history gets a <c>rejected</c> row
    /// (who, when, why, and what was proposed) in the same transaction; the live entry itself does not change. Only the
    /// <paramref name="version"/> the administrator reviewed is rejected: a reason written about one version says
    /// nothing about the next.
    /// </summary>
    public async Task<ProposalDecisionOutcome> RejectAsync(long proposalId, int version, string reason, string changedBy,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rejected = await connection.QuerySingleOrDefaultAsync<LockedProposal?>(new CommandDefinition("""
            UPDATE catalog.proposals SET status = 'draft', rejection_reason = @reason, updated_at = now(), submitted_at = NULL,
                   version = version + 1
             WHERE id = @proposalId AND status = 'awaiting_approval' AND version = @version
            RETURNING id AS Id, kind AS Kind, agency_id AS AgencyId, key AS Key, body::text AS Body
            """, new { proposalId, version, reason }, transaction, cancellationToken: cancellationToken));
        if (rejected is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return await WhyNotAsync(proposalId, cancellationToken);
        }

        // The live entry's history is its owner's to write, in this transaction: the new status and the history row
        // stand or fall together.
        if (rejected.Kind == ServiceKind)
        {
            await ServiceChanges.RecordRejectedProposalAsync(connection, transaction, rejected, reason, changedBy, cancellationToken);
        }
        else
        {
            await AgencyChanges.RecordRejectedProposalAsync(connection, transaction, rejected, reason, changedBy, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return ProposalDecisionOutcome.Done;
    }
}
