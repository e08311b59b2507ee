using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Catalog.Browse;
using ServicePortal.Catalog.Caching;
using ServicePortal.Catalog.Changes;

namespace ServicePortal.Catalog.Seed;

/// <summary>
/// Puts the demo catalogue (<c>Seed/catalog.json</c>: real institutions, plausible fees) into the database at
/// start-up, in Development and in tests only (<see cref="CatalogOptions.SeedDemoData"/>); production gets its
/// agencies through onboarding. It only adds what is missing, by code, and never overwrites an entry: what
/// an agency or an administrator changed stays changed. Several nodes starting together take turns on an
/// advisory lock.
/// </summary>
/// <remarks>
/// Each demo agency's endpoint points where the deployment says that demo agency runs, <c>DemoAgencies:{code}</c>
/// (e.g. <c>DemoAgencies__rita=http://demo-agencies:5102</c> in compose and Kubernetes, where they are a service of
/// their own), and at the file's loopback address (<c>./build.sh run</c>) when that is not set.
/// </remarks>
internal sealed partial class DemoCatalogSeeder(
    NpgsqlDataSource dataSource,
    IOptions<CatalogOptions> options,
    IConfiguration configuration,
    ILogger<DemoCatalogSeeder> logger) : IHostedService
{
    public const string ChangedBy = "seed";

    // An arbitrary constant: "SPCATSEE" in ASCII.
    private const long AdvisoryLockKey = 0x5350_4341_5453_4545;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.SeedDemoData)
        {
            var added = await SeedAsync(cancellationToken);
            LogSeeded(logger, added);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Adds the demo entries that are missing; returns how many services it added.</summary>
    public async Task<int> SeedAsync(CancellationToken cancellationToken)
    {
        var seed = Load();
        var allCodes = seed.Agencies.SelectMany(a => a.Services).Select(s => s.Code).ToArray();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)",
            new { key = AdvisoryLockKey }, transaction, cancellationToken: cancellationToken));
        var present = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT count(*)::int FROM catalog.services WHERE code = ANY(@allCodes)",
            new { allCodes }, transaction, cancellationToken: cancellationToken));
        if (present == allCodes.Length)
        {
            await FillOfficeFactsAsync(connection, transaction, seed, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return 0;
        }

        var order = 0;
        foreach (var row in seed.Categories)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO catalog.categories (code, name_sw, name_en, sort_order) VALUES (@code, @sw, @en, @order)
                ON CONFLICT (code) DO NOTHING
                """, new { code = row[0], sw = row[1], en = row[2], order = order++ }, transaction,
                cancellationToken: cancellationToken));
        }

        order = 0;
        foreach (var row in seed.LifeEvents)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO catalog.life_events (code, name_sw, name_en, sort_order) VALUES (@code, @sw, @en, @order)
                ON CONFLICT (code) DO NOTHING
                """, new { code = row[0], sw = row[1], en = row[2], order = order++ }, transaction,
                cancellationToken: cancellationToken));
        }

        var added = new List<long>();
        foreach (var agency in seed.Agencies)
        {
            var agencyId = await AddAgencyAsync(connection, transaction, agency, DemoAgencyAddress(agency.Code), cancellationToken);
            foreach (var service in agency.Services)
            {
                var form = service.Form is null ? null : seed.Forms[service.Form].GetRawText();
                var id = await AddServiceAsync(connection, transaction, agencyId, service, form, cancellationToken);
                if (id is { } newId)
                {
                    added.Add(newId);
                }
            }
        }

        await ServiceChanges.RecordAsync(connection, transaction, [.. added], ChangedBy, "created", null, null,
            cancellationToken);
        await FillOfficeFactsAsync(connection, transaction, seed, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return added.Count;
    }

    /// <summary>Where this deployment runs the demo agency <paramref name="code"/> (an http(s) address), or null.</summary>
    private Uri? DemoAgencyAddress(string code) =>
        Uri.TryCreate(configuration[$"DemoAgencies:{code}"], UriKind.Absolute, out var address) &&
        (address.Scheme == Uri.UriSchemeHttp || address.Scheme == Uri.UriSchemeHttps)
            ? new Uri(address.GetLeftPart(UriPartial.Authority) + "/")
            : null;

    /// <summary>
    /// The office facts (address, hours, phone) of the demo agencies, written only where the agency has none yet, so
    /// that a database seeded before they existed gets them, and what an agency set itself is kept.
    /// </summary>
    private static async Task FillOfficeFactsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SeedFile seed,
        CancellationToken cancellationToken)
    {
        foreach (var agency in seed.Agencies.Where(a => a.Office is not null))
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

    private static async Task<long> AddAgencyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        SeedAgency agency, Uri? configured, CancellationToken cancellationToken)
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
            """, new { id, changedBy = ChangedBy }, transaction, cancellationToken: cancellationToken));

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

    private static async Task<long?> AddServiceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        long agencyId, SeedService service, string? form, CancellationToken cancellationToken)
    {
        var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition("""
            INSERT INTO catalog.services (
                code, agency_id, category_id, name_sw, name_en, summary_sw, summary_en, description_sw, description_en,
                channels, cost_tzs, cost_paid, cost_note_sw, cost_note_en, processing_days,
                eligibility, evidence, output_sw, output_en, legal_basis, keywords_sw, keywords_en,
                status, form_schema, submit_path, status_path, published_at)
            VALUES (
                @Code, @agencyId, (SELECT id FROM catalog.categories WHERE code = @Category),
                @nameSw, @nameEn, @summarySw, @summaryEn, @descriptionSw, @descriptionEn,
                @channels, @Cost, @Paid, @costNoteSw, @costNoteEn, @Days,
                @eligibility::jsonb, @evidence::jsonb, @outputSw, @outputEn, @legal::jsonb, @keywordsSw, @keywordsEn,
                'published', @form::jsonb, @SubmitPath, @StatusPath, now())
            ON CONFLICT (code) DO NOTHING
            RETURNING id
            """, new
        {
            service.Code,
            agencyId,
            service.Category,
            nameSw = service.Name[0],
            nameEn = service.Name[1],
            summarySw = service.Summary[0],
            summaryEn = service.Summary[1],
            descriptionSw = service.Description?[0] ?? "",
            descriptionEn = service.Description?[1] ?? "",
            channels = service.Channels.ToArray(),
            service.Cost,
            service.Paid,
            costNoteSw = service.CostNote?[0] ?? "",
            costNoteEn = service.CostNote?[1] ?? "",
            service.Days,
            eligibility = Pairs(service.Eligibility),
            evidence = Pairs(service.Evidence),
            outputSw = service.Output?[0] ?? "",
            outputEn = service.Output?[1] ?? "",
            legal = Pairs(service.Legal),
            keywordsSw = service.Keywords.ElementAtOrDefault(0)?.ToArray() ?? [],
            keywordsEn = service.Keywords.ElementAtOrDefault(1)?.ToArray() ?? [],
            form,
            service.SubmitPath,
            service.StatusPath,
        }, transaction, cancellationToken: cancellationToken));
        if (id is { } newId && service.LifeEvents.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO catalog.service_life_events (service_id, life_event_id)
                SELECT @newId, id FROM catalog.life_events WHERE code = ANY(@events)
                """, new { newId, events = service.LifeEvents.ToArray() }, transaction,
                cancellationToken: cancellationToken));
        }

        return id;
    }

    private static string Pairs(List<string[]> pairs) =>
        JsonSerializer.Serialize(pairs.Select(p => new Bilingual(p[0], p[1])), CatalogJson.Options);

    internal static SeedFile Load()
    {
        using var stream = typeof(DemoCatalogSeeder).Assembly.GetManifestResourceStream("ServicePortal.Catalog.Seed.catalog.json")
                           ?? throw new InvalidOperationException("Seed/catalog.json is not embedded.");
        return JsonSerializer.Deserialize<SeedFile>(stream, CatalogJson.Options)
               ?? throw new InvalidOperationException("Seed/catalog.json is empty.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo catalogue: {Added} services added")]
    private static partial void LogSeeded(ILogger logger, int added);
}

// The shape of Seed/catalog.json. Every text pair is [Kiswahili, English].
internal sealed class SeedFile
{
    public List<string[]> Categories { get; init; } = [];
    public List<string[]> LifeEvents { get; init; } = [];
    public Dictionary<string, JsonElement> Forms { get; init; } = [];
    public List<SeedAgency> Agencies { get; init; } = [];
}

internal sealed class SeedAgency
{
    public string Code { get; init; } = "";
    public string Short { get; init; } = "";
    public string? Website { get; init; }
    public string[] Name { get; init; } = [];
    public string[] Description { get; init; } = [];
    public SeedOffice? Office { get; init; }
    public List<SeedEndpoint> Endpoints { get; init; } = [];
    public List<SeedService> Services { get; init; } = [];
}

/// <summary>Where, when and how to reach the agency's office; the phone may be empty (not known).</summary>
internal sealed class SeedOffice
{
    public string[] Address { get; init; } = ["", ""];
    public string[] Hours { get; init; } = ["", ""];
    public string Phone { get; init; } = "";
}

internal sealed class SeedEndpoint
{
    public string Name { get; init; } = "";
    public string Destination { get; init; } = "";
    public string Auth { get; init; } = "citizen";
}

internal sealed class SeedService
{
    public string Code { get; init; } = "";
    public string Category { get; init; } = "";
    public List<string> LifeEvents { get; init; } = [];
    public string[] Name { get; init; } = [];
    public string[] Summary { get; init; } = [];
    public string[]? Description { get; init; }
    public List<string> Channels { get; init; } = [];
    public long? Cost { get; init; }
    public string Paid { get; init; } = "free";
    public string[]? CostNote { get; init; }
    public int? Days { get; init; }
    public List<string[]> Eligibility { get; init; } = [];
    public List<string[]> Evidence { get; init; } = [];
    public string[]? Output { get; init; }
    public List<string[]> Legal { get; init; } = [];
    public List<List<string>> Keywords { get; init; } = [];
    public string? Form { get; init; }
    public string? SubmitPath { get; init; }
    public string? StatusPath { get; init; }
}
