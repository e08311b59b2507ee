using System.Text.Json;
using Dapper;
using Npgsql;
using ServicePortal.Catalog.Caching;

namespace ServicePortal.Catalog.Browse;

/// <summary>
/// Reads the published catalogue: what the public API and the pages show. Only published services and
/// approved agencies are ever returned. Reads go through the node's <see cref="CatalogCache"/>.
/// </summary>
public sealed class CatalogReader(NpgsqlDataSource dataSource, CatalogCache cache)
{
    /// <summary>The columns every list of services selects, in the order <see cref="ServiceRow.ToSummary"/> reads.</summary>
    internal const string SummaryColumns = """
        s.code AS Code, s.name_sw AS NameSw, s.name_en AS NameEn, s.summary_sw AS SummarySw, s.summary_en AS SummaryEn,
        a.code AS AgencyCode, a.short_name AS AgencyShortName, a.name_sw AS AgencyNameSw, a.name_en AS AgencyNameEn,
        c.code AS CategoryCode, c.name_sw AS CategoryNameSw, c.name_en AS CategoryNameEn,
        s.cost_tzs AS CostTzs, s.cost_paid AS CostPaid, s.cost_note_sw AS CostNoteSw, s.cost_note_en AS CostNoteEn,
        s.processing_days AS ProcessingDays, s.channels AS Channels, (s.form_schema IS NOT NULL) AS HasForm
        """;

    public Task<IReadOnlyList<NamedRef>> ListCategoriesAsync(CancellationToken cancellationToken) =>
        cache.GetOrLoadAsync("categories", async ct =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var rows = await connection.QueryAsync<NamedRow>(new CommandDefinition(
                "SELECT code AS Code, name_sw AS NameSw, name_en AS NameEn FROM catalog.categories ORDER BY sort_order, code",
                cancellationToken: ct));
            return (IReadOnlyList<NamedRef>)[.. rows.Select(r => r.ToRef())];
        }, cancellationToken);

    public Task<IReadOnlyList<NamedRef>> ListLifeEventsAsync(CancellationToken cancellationToken) =>
        cache.GetOrLoadAsync("life-events", async ct =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var rows = await connection.QueryAsync<NamedRow>(new CommandDefinition(
                "SELECT code AS Code, name_sw AS NameSw, name_en AS NameEn FROM catalog.life_events ORDER BY sort_order, code",
                cancellationToken: ct));
            return (IReadOnlyList<NamedRef>)[.. rows.Select(r => r.ToRef())];
        }, cancellationToken);

    /// <summary>Approved agencies that have at least one published service, by Kiswahili name.</summary>
    public Task<IReadOnlyList<AgencySummary>> ListAgenciesAsync(CancellationToken cancellationToken) =>
        cache.GetOrLoadAsync("agencies", async ct =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var rows = await connection.QueryAsync<AgencyRow>(new CommandDefinition("""
                SELECT a.code AS Code, a.short_name AS ShortName, a.name_sw AS NameSw, a.name_en AS NameEn,
                       a.description_sw AS DescriptionSw, a.description_en AS DescriptionEn, a.website AS Website,
                       a.office_address_sw AS OfficeAddressSw, a.office_address_en AS OfficeAddressEn,
                       a.office_hours_sw AS OfficeHoursSw, a.office_hours_en AS OfficeHoursEn, a.office_phone AS OfficePhone,
                       count(s.id)::int AS ServiceCount
                  FROM catalog.agencies a
                  JOIN catalog.services s ON s.agency_id = a.id AND s.status = 'published'
                 WHERE a.status = 'approved'
                 GROUP BY a.id
                 ORDER BY a.name_sw
                """, cancellationToken: ct));
            return (IReadOnlyList<AgencySummary>)[.. rows.Select(r => r.ToSummary())];
        }, cancellationToken);

    /// <summary>
    /// Every agency's code and names, whatever its status (staff pages name agencies the public catalogue no longer
    /// shows, such as a suspended one), by code. Not cached: staff pages only.
    /// </summary>
    public async Task<IReadOnlyList<AgencyName>> ListAgencyNamesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AgencyName>(new CommandDefinition("""
            SELECT code AS Code, short_name AS ShortName, name_sw AS NameSw, name_en AS NameEn
              FROM catalog.agencies ORDER BY code
            """, cancellationToken: cancellationToken));
        return [.. rows];
    }

    /// <summary>An approved agency and its published services; null when there is none by that code.</summary>
    public async Task<AgencyDetail?> FindAgencyAsync(string code, CancellationToken cancellationToken)
    {
        var agencies = await ListAgenciesAsync(cancellationToken);
        var agency = agencies.FirstOrDefault(a => a.Code == code);
        if (agency is null)
        {
            return null;
        }

        var services = await cache.GetOrLoadAsync("agency-services:" + code, async ct =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var rows = await connection.QueryAsync<ServiceRow>(new CommandDefinition($"""
                SELECT {SummaryColumns}
                  FROM catalog.services s
                  JOIN catalog.agencies a ON a.id = s.agency_id
                  JOIN catalog.categories c ON c.id = s.category_id
                 WHERE a.code = @code AND s.status = 'published'
                 ORDER BY s.name_sw
                """, new { code }, cancellationToken: ct));
            return (IReadOnlyList<ServiceSummary>)[.. rows.Select(r => r.ToSummary())];
        }, cancellationToken);
        return new AgencyDetail(agency, services);
    }

    /// <summary>A published service of an approved agency; null when there is none by that code.</summary>
    public async Task<ServiceDetail?> FindServiceAsync(string code, CancellationToken cancellationToken)
    {
        var found = await cache.GetOrLoadAsync("service:" + code, async ct =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var row = await connection.QuerySingleOrDefaultAsync<ServiceRow>(new CommandDefinition(
                DetailSql + " AND s.code = @code", new { code }, cancellationToken: ct));
            return new Found<ServiceDetail>(row?.ToDetail());
        }, cancellationToken);
        return found.Value;
    }

    /// <summary>
    /// Where an agency takes applications: its approved endpoint named <c>applications</c>, or its only approved
    /// endpoint. Null when it has none (then nothing can be submitted to it).
    /// </summary>
    public async Task<AgencyEndpointTarget?> FindApplicationEndpointAsync(string agency, CancellationToken cancellationToken)
    {
        var found = await cache.GetOrLoadAsync("application-endpoint:" + agency, async ct =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var rows = (await connection.QueryAsync<(string Name, string Destinations, int TimeoutSeconds)>(new CommandDefinition(
                """
                SELECT e.name, e.destinations::text, e.timeout_seconds
                  FROM catalog.agency_endpoints e JOIN catalog.agencies a ON a.id = e.agency_id
                 WHERE a.code = @agency AND a.status = 'approved' AND e.status = 'approved'
                 ORDER BY e.name
                """, new { agency }, cancellationToken: ct))).ToList();
            var row = rows.FirstOrDefault(r => r.Name == "applications");
            if (row.Name is null && rows.Count == 1)
            {
                row = rows[0];
            }

            if (row.Name is null)
            {
                return new Found<AgencyEndpointTarget>(null);
            }

            using var document = System.Text.Json.JsonDocument.Parse(row.Destinations);
            var destinations = document.RootElement.EnumerateArray()
                .Select(d => d.TryGetProperty("address", out var a) && Uri.TryCreate(a.GetString(), UriKind.Absolute, out var uri) ? uri : null)
                .OfType<Uri>().ToList();
            return new Found<AgencyEndpointTarget>(destinations.Count == 0
                ? null
                : new AgencyEndpointTarget(agency, row.Name, destinations, TimeSpan.FromSeconds(row.TimeoutSeconds)));
        }, cancellationToken);
        return found.Value;
    }

    /// <summary>
    /// The agencies the status sync asks: those with a published service that has a status path. Not cached: the
    /// sync registers its jobs every few minutes and wants the catalogue as it is.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListStatusSyncAgenciesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT DISTINCT a.code FROM catalog.services s JOIN catalog.agencies a ON a.id = s.agency_id
            WHERE s.status_path IS NOT NULL AND s.status = 'published'
            """, cancellationToken: cancellationToken))];
    }

    /// <summary>Every published service in full, for the export (one query).</summary>
    public async Task<IReadOnlyList<ServiceDetail>> ListAllServicesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ServiceRow>(new CommandDefinition(
            DetailSql + " ORDER BY s.code", cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToDetail())];
    }

    private const string DetailSql = $"""
        SELECT {SummaryColumns},
               s.description_sw AS DescriptionSw, s.description_en AS DescriptionEn,
               s.eligibility::text AS Eligibility, s.evidence::text AS Evidence,
               s.output_sw AS OutputSw, s.output_en AS OutputEn, s.legal_basis::text AS LegalBasis,
               s.keywords_sw AS KeywordsSw, s.keywords_en AS KeywordsEn, s.form_schema::text AS FormSchema,
               s.submit_path AS SubmitPath, s.status_path AS StatusPath, s.updated_at AS UpdatedAt,
               s.version AS Version,
               (SELECT coalesce(jsonb_agg(jsonb_build_object('code', e.code, 'name',
                           jsonb_build_object('sw', e.name_sw, 'en', e.name_en)) ORDER BY e.sort_order), '[]')
                  FROM catalog.service_life_events sle
                  JOIN catalog.life_events e ON e.id = sle.life_event_id
                 WHERE sle.service_id = s.id)::text AS LifeEvents
          FROM catalog.services s
          JOIN catalog.agencies a ON a.id = s.agency_id
          JOIN catalog.categories c ON c.id = s.category_id
         WHERE s.status = 'published' AND a.status = 'approved'
        """;

    /// <summary>A cached "maybe": a service that is not there is remembered too.</summary>
    private sealed record Found<T>(T? Value) where T : class;

    private sealed class NamedRow
    {
        public string Code { get; init; } = "";
        public string NameSw { get; init; } = "";
        public string NameEn { get; init; } = "";

        public NamedRef ToRef() => new(Code, new Bilingual(NameSw, NameEn));
    }

    private sealed class AgencyRow
    {
        public string Code { get; init; } = "";
        public string ShortName { get; init; } = "";
        public string NameSw { get; init; } = "";
        public string NameEn { get; init; } = "";
        public string DescriptionSw { get; init; } = "";
        public string DescriptionEn { get; init; } = "";
        public string? Website { get; init; }
        public int ServiceCount { get; init; }
        public string OfficeAddressSw { get; init; } = "";
        public string OfficeAddressEn { get; init; } = "";
        public string OfficeHoursSw { get; init; } = "";
        public string OfficeHoursEn { get; init; } = "";
        public string OfficePhone { get; init; } = "";

        public AgencySummary ToSummary() => new(Code, ShortName, new Bilingual(NameSw, NameEn),
            new Bilingual(DescriptionSw, DescriptionEn), Website, ServiceCount,
            OfficeAddressSw.Length + OfficeAddressEn.Length + OfficeHoursSw.Length + OfficeHoursEn.Length + OfficePhone.Length == 0
                ? null
                : new AgencyOffice(new Bilingual(OfficeAddressSw, OfficeAddressEn), new Bilingual(OfficeHoursSw, OfficeHoursEn), OfficePhone));
    }
}

/// <summary>A row of <see cref="CatalogReader.SummaryColumns"/> (and, for one service, the rest).</summary>
internal sealed class ServiceRow
{
    public string Code { get; init; } = "";
    public string NameSw { get; init; } = "";
    public string NameEn { get; init; } = "";
    public string SummarySw { get; init; } = "";
    public string SummaryEn { get; init; } = "";
    public string AgencyCode { get; init; } = "";
    public string AgencyShortName { get; init; } = "";
    public string AgencyNameSw { get; init; } = "";
    public string AgencyNameEn { get; init; } = "";
    public string CategoryCode { get; init; } = "";
    public string CategoryNameSw { get; init; } = "";
    public string CategoryNameEn { get; init; } = "";
    public long? CostTzs { get; init; }
    public string CostPaid { get; init; } = "free";
    public string CostNoteSw { get; init; } = "";
    public string CostNoteEn { get; init; } = "";
    public int? ProcessingDays { get; init; }
    public string[] Channels { get; init; } = [];
    public bool HasForm { get; init; }
    public long Total { get; init; }

    public string DescriptionSw { get; init; } = "";
    public string DescriptionEn { get; init; } = "";
    public string? Eligibility { get; init; }
    public string? Evidence { get; init; }
    public string OutputSw { get; init; } = "";
    public string OutputEn { get; init; } = "";
    public string? LegalBasis { get; init; }
    public string[] KeywordsSw { get; init; } = [];
    public string[] KeywordsEn { get; init; } = [];
    public string? FormSchema { get; init; }
    public string? SubmitPath { get; init; }
    public string? StatusPath { get; init; }
    public DateTime UpdatedAt { get; init; }
    public int Version { get; init; }
    public string? LifeEvents { get; init; }

    private AgencyRef Agency => new(AgencyCode, AgencyShortName, new Bilingual(AgencyNameSw, AgencyNameEn));
    private NamedRef Category => new(CategoryCode, new Bilingual(CategoryNameSw, CategoryNameEn));

    private ServiceCost Cost => new(CostTzs, CostPaid,
        CostNoteSw.Length == 0 && CostNoteEn.Length == 0 ? null : new Bilingual(CostNoteSw, CostNoteEn));

    public ServiceSummary ToSummary() => new(Code, new Bilingual(NameSw, NameEn), new Bilingual(SummarySw, SummaryEn),
        Agency, Category, Cost, new ProcessingTime(ProcessingDays),
        HasForm && Channels.Contains(Channel.Portal));

    public ServiceDetail ToDetail()
    {
        JsonElement? form = null;
        if (FormSchema is not null)
        {
            using var document = JsonDocument.Parse(FormSchema);
            form = document.RootElement.Clone();
        }

        var lifeEvents = string.IsNullOrEmpty(LifeEvents)
            ? []
            : JsonSerializer.Deserialize<List<NamedRef>>(LifeEvents, CatalogJson.Options) ?? [];
        return new ServiceDetail(Code, new Bilingual(NameSw, NameEn), new Bilingual(SummarySw, SummaryEn),
            new Bilingual(DescriptionSw, DescriptionEn), Agency, Category, Channels, Cost,
            new ProcessingTime(ProcessingDays), CatalogJson.Pairs(Eligibility), CatalogJson.Pairs(Evidence),
            new Bilingual(OutputSw, OutputEn), CatalogJson.Pairs(LegalBasis), lifeEvents,
            new Keywords(KeywordsSw, KeywordsEn), form, SubmitPath, StatusPath,
            new DateTimeOffset(DateTime.SpecifyKind(UpdatedAt, DateTimeKind.Utc)), Version);
    }
}
