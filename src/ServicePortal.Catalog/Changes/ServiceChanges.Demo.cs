using System.Text.Json;
using Dapper;
using Npgsql;
using ServicePortal.Catalog.Browse;
using ServicePortal.Catalog.Seed;

namespace ServicePortal.Catalog.Changes;

/// <summary>
/// The demo catalogue's categories, life events and services (Development and tests only): written here, by their owner.
/// </summary>
internal sealed partial class ServiceChanges
{
    /// <summary>The demo catalogue's categories and life events (rows of [code, Kiswahili, English]), where missing.</summary>
    internal static async Task AddDemoCategoriesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IEnumerable<string[]> categories, IEnumerable<string[]> lifeEvents, CancellationToken cancellationToken)
    {
        var order = 0;
        foreach (var row in categories)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO catalog.categories (code, name_sw, name_en, sort_order) VALUES (@code, @sw, @en, @order)
                ON CONFLICT (code) DO NOTHING
                """, new { code = row[0], sw = row[1], en = row[2], order = order++ }, transaction,
                cancellationToken: cancellationToken));
        }

        order = 0;
        foreach (var row in lifeEvents)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO catalog.life_events (code, name_sw, name_en, sort_order) VALUES (@code, @sw, @en, @order)
                ON CONFLICT (code) DO NOTHING
                """, new { code = row[0], sw = row[1], en = row[2], order = order++ }, transaction,
                cancellationToken: cancellationToken));
        }
    }

    /// <summary>
    /// Adds a demo service, published, with its life events (Development and tests only, for
    /// <see cref="DemoCatalogSeeder"/>); null when a service with that code is already there (it is left as it is).
    /// The caller writes the <c>created</c> history rows of all it added at once (<see cref="RecordAsync"/>).
    /// </summary>
    internal static async Task<long?> AddDemoServiceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
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
}
