using Dapper;
using Npgsql;
using ServicePortal.Core.Catalog;

namespace ServicePortal.Catalog.Browse;

/// <summary>
/// The catalogue's agencies and endpoints for the gateway (<see cref="IAgencyEndpointCatalog"/>): version and rows
/// read in one repeatable-read transaction, so the version names exactly what was read.
/// </summary>
internal sealed class EndpointCatalog(NpgsqlDataSource dataSource) : IAgencyEndpointCatalog
{
    public async Task<long> VersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT version FROM catalog.catalog_state", cancellationToken: cancellationToken)) ?? 0;
    }

    public async Task<CatalogEndpointsAt> ListEndpointsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var version = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT version FROM catalog.catalog_state", transaction: transaction, cancellationToken: cancellationToken)) ?? 0;

        // Every agency, with its endpoints when it has any (an agency without one is still known: 404 vs 503).
        await using var command = new NpgsqlCommand(
            """
            SELECT a.code, a.status, e.name, e.destinations::text, e.health_check_path, e.health_check_interval_seconds,
                   e.timeout_seconds, e.max_request_body_bytes, e.auth_requirement, e.rate_limit_policy, e.status
            FROM catalog.agencies a
            LEFT JOIN catalog.agency_endpoints e ON e.agency_id = a.id
            ORDER BY a.code, e.name
            """, connection, transaction);
        var agencies = new List<CatalogAgencyEndpoints>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            List<CatalogEndpoint>? endpoints = null;
            while (await reader.ReadAsync(cancellationToken))
            {
                var code = reader.GetString(0);
                if (agencies.Count == 0 || agencies[^1].Agency != code)
                {
                    endpoints = [];
                    agencies.Add(new CatalogAgencyEndpoints(code, reader.GetString(1), endpoints));
                }

                if (!reader.IsDBNull(2))
                {
                    endpoints!.Add(new CatalogEndpoint(
                        reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5), reader.GetInt32(6),
                        reader.GetInt64(7), reader.GetString(8), reader.GetString(9), reader.GetString(10)));
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new CatalogEndpointsAt(version, agencies);
    }
}
