using System.Text.Json;
using Dapper;
using Npgsql;
using ServicePortal.Catalog.Seed;

namespace ServicePortal.Catalog.Changes;

/// <summary>The demo catalogue's agencies and endpoints (Development and tests only): written here, by their owner.</summary>
internal sealed partial class AgencyChanges
{
    /// <summary>
    /// Adds a demo agency (Development and tests only, for <see cref="DemoCatalogSeeder"/>) with its <c>created</c>
    /// history row and its endpoints, pointed at <paramref name="configured"/> when the deployment says where the demo
    /// agency runs. An agency already there is left as it is; its id is returned either way.
    /// </summary>
    internal static async Task<long> AddDemoAgencyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        SeedAgency agency, Uri? configured, string changedBy, CancellationToken cancellationToken)
    {
        var inserted = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition("""
            INSERT INTO catalog.agencies (code, short_name, name_sw, name_en, description_sw, description_en, website, status)
            VALUES (@Code, @Short, @nameSw, @nameEn, @descriptionSw, @descriptionEn, @Website, 'approved')
            ON CONFLICT (code) DO NOTHING
            RETURNING id
            """, new
        {
            agency.Code,
            agency.Short,
            nameSw = agency.Name[0],
            nameEn = agency.Name[1],
            descriptionSw = agency.Description[0],
            descriptionEn = agency.Description[1],
            agency.Website,
        }, transaction, cancellationToken: cancellationToken));
        if (inserted is not { } id)
        {
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT id FROM catalog.agencies WHERE code = @Code", new { agency.Code }, transaction,
                cancellationToken: cancellationToken));
        }

        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO catalog.agency_history (agency_id, changed_by, change, after)
            SELECT id, @changedBy, 'created', to_jsonb(a) - 'id' FROM catalog.agencies a WHERE id = @id
            """, new { id, changedBy }, transaction, cancellationToken: cancellationToken));

        foreach (var endpoint in agency.Endpoints)
        {
            // The configured base, with the file's path (the demo agencies serve their endpoints at their root).
            var address = configured is null ? endpoint.Destination : new Uri(configured, new Uri(endpoint.Destination).PathAndQuery.TrimStart('/')).ToString();
            var destinations = JsonSerializer.Serialize(new[] { new { name = "primary", address } });
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO catalog.agency_endpoints (agency_id, name, destinations, auth_requirement, status)
                VALUES (@id, @Name, @destinations::jsonb, @Auth, 'approved')
                ON CONFLICT (agency_id, name) DO NOTHING
                """, new { id, endpoint.Name, destinations, endpoint.Auth }, transaction,
                cancellationToken: cancellationToken));
        }

        return id;
    }

    /// <summary>
    /// The office facts (address, hours, phone) of the demo agencies, written only where the agency has none yet, so
    /// that a database seeded before they existed gets them, and what an agency set itself is kept.
    /// </summary>
    internal static async Task FillDemoOfficeFactsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IEnumerable<SeedAgency> agencies,
        CancellationToken cancellationToken)
    {
        foreach (var agency in agencies.Where(a => a.Office is not null))
        {
            var office = agency.Office!;
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE catalog.agencies
                   SET office_address_sw = @addressSw, office_address_en = @addressEn,
                       office_hours_sw = @hoursSw, office_hours_en = @hoursEn, office_phone = @phone
                 WHERE code = @code AND office_address_sw = '' AND office_address_en = '' AND office_hours_sw = ''
                   AND office_hours_en = '' AND office_phone = ''
                """, new
            {
                code = agency.Code,
                addressSw = office.Address[0],
                addressEn = office.Address[1],
                hoursSw = office.Hours[0],
                hoursEn = office.Hours[1],
                phone = office.Phone,
            }, transaction, cancellationToken: cancellationToken));
        }
    }
}
