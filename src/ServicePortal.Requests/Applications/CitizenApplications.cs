using Dapper;
using Npgsql;
using ServicePortal.Core.Requests;

namespace ServicePortal.Requests.Applications;

/// <summary>The Requests module's answer to <see cref="ICitizenApplications"/>: one citizen's own application, by reference.</summary>
internal sealed class CitizenApplications(NpgsqlDataSource dataSource) : ICitizenApplications
{
    public async Task<CitizenApplication?> FindOwnAsync(Guid accountId, string reference, CancellationToken cancellationToken)
    {
        if (!PortalReference.TryParse(reference, out var parsed))
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<CitizenApplication>(new CommandDefinition(
            """
            SELECT reference AS Reference, service_code AS ServiceCode, agency AS Agency, status AS Status
            FROM requests.requests WHERE account_id = @accountId AND reference = @reference
            """, new { accountId, reference = parsed.Value.Value }, cancellationToken: cancellationToken));
    }

    public async Task<CitizenApplicationHistory?> FindForStaffAsync(string reference, CancellationToken cancellationToken)
    {
        if (!PortalReference.TryParse(reference, out var parsed))
        {
            return null;
        }

        var found = await HistoriesAsync("reference = @reference", new { reference = parsed.Value.Value, limit = 1 }, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public Task<IReadOnlyList<CitizenApplicationHistory>> ListForStaffAsync(Guid accountId, int limit, CancellationToken cancellationToken) =>
        HistoriesAsync("account_id = @accountId", new { accountId, limit }, cancellationToken);

    public string DescribeStatus(string status) => RequestStatus.Describe(status);

    private sealed record Row(long Id, Guid AccountId, string Reference, string ServiceCode, string Agency, string Status, DateTime CreatedAt,
        DateTime? DueAt);

    private sealed record EventRow(long RequestId, DateTime At, string Kind, string? Status, string? MessageSw, string? MessageEn);

    private async Task<IReadOnlyList<CitizenApplicationHistory>> HistoriesAsync(string where, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT id AS Id, account_id AS AccountId, reference AS Reference, service_code AS ServiceCode, agency AS Agency,
                   status AS Status, created_at AS CreatedAt, due_at AS DueAt
            FROM requests.requests WHERE {where} ORDER BY created_at DESC, id DESC LIMIT @limit
            """, parameters, cancellationToken: cancellationToken))).ToList();
        var events = (await connection.QueryAsync<EventRow>(new CommandDefinition(
            """
            SELECT request_id AS RequestId, at AS At, kind AS Kind, status_to AS Status, message_sw AS MessageSw, message_en AS MessageEn
            FROM requests.events WHERE request_id = ANY(@ids) AND kind IN ('created', 'submitted', 'status') ORDER BY at, id
            """, new { ids = rows.Select(r => r.Id).ToArray() }, cancellationToken: cancellationToken))).ToLookup(e => e.RequestId);
        return [.. rows.Select(r => new CitizenApplicationHistory(r.AccountId, r.Reference, r.ServiceCode, r.Agency, r.Status, r.CreatedAt, r.DueAt,
            [.. events[r.Id].Select(e => new CitizenApplicationEvent(e.At, e.Kind, e.Status, e.MessageSw, e.MessageEn))]))];
    }
}
