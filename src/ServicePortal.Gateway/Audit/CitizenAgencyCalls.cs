using Dapper;
using Npgsql;
using ServicePortal.Core.Audit;

namespace ServicePortal.Gateway.Audit;

/// <summary>The gateway audit's answer to "who viewed my data": the calls made under each agency's subject.</summary>
internal sealed class CitizenAgencyCalls(NpgsqlDataSource dataSource) : ICitizenAgencyCalls
{
    public async Task<IReadOnlyList<CitizenAgencyCall>> ListAsync(IReadOnlyList<AgencySubject> subjects, int limit, int offset,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        if (subjects.Count == 0)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // A subject counts only with its own agency: the pair, not the subject alone, names the citizen.
        var rows = await connection.QueryAsync<(DateTime At, string Agency, string Endpoint)>(new CommandDefinition(
            """
            SELECT c.at, c.agency, c.endpoint
            FROM gateway.proxied_calls c
            JOIN unnest(@agencies::text[], @subjects::text[]) AS s(agency, subject)
              ON c.subject = s.subject AND c.agency = s.agency
            ORDER BY c.at DESC, c.request_id
            LIMIT @limit OFFSET @offset
            """,
            new
            {
                agencies = subjects.Select(s => s.Agency).ToArray(),
                subjects = subjects.Select(s => s.Subject).ToArray(),
                limit,
                offset,
            }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new CitizenAgencyCall(new DateTimeOffset(DateTime.SpecifyKind(r.At, DateTimeKind.Utc)), r.Agency, r.Endpoint))];
    }
}
