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
}
