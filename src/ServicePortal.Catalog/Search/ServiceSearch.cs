using System.Globalization;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http;
using Npgsql;
using NpgsqlTypes;
using ServicePortal.Catalog.Browse;
using ServicePortal.Catalog.Caching;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Catalog.Search;

/// <summary>
/// A search as it arrives from outside (the API's query string or the results page), still as text, so that
/// every mistake becomes a field-level message in the caller's language instead of a binding failure.
/// </summary>
public sealed record SearchInput(
    string? Q = null,
    string? Category = null,
    string? LifeEvent = null,
    string? Agency = null,
    string? Lang = null,
    string? Page = null,
    string? PageSize = null)
{
    /// <summary>Reads the query string; a parameter given twice is kept as a marker the validator rejects.</summary>
    public static SearchInput FromQuery(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return new SearchInput(One(query, "q"), One(query, "category"), One(query, "lifeEvent"), One(query, "agency"),
            One(query, "lang"), One(query, "page"), One(query, "pageSize"));
    }

    internal const string Repeated = "\u0000repeated";

    private static string? One(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var values) ? values.Count > 1 ? Repeated : values[0] : null;

    /// <summary>The checked search. Call only after the validator passed.</summary>
    public SearchQuery ToQuery(int defaultPageSize = SearchQuery.DefaultPageSize) => new(
        SearchQuery.Normalise(Q),
        Blank(Category), Blank(LifeEvent), Blank(Agency),
        string.Equals(Lang, English, StringComparison.OrdinalIgnoreCase) ? English : Swahili,
        Blank(Page) is { } page ? int.Parse(page, NumberStyles.None, CultureInfo.InvariantCulture) : 1,
        Blank(PageSize) is { } size ? int.Parse(size, NumberStyles.None, CultureInfo.InvariantCulture) : defaultPageSize);

    internal static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>A validated search. <see cref="Language"/> orders results that have no query (by name).</summary>
public sealed record SearchQuery(string Q, string? Category, string? LifeEvent, string? Agency, string Language, int Page, int PageSize)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 50;
    public const int MaxQueryLength = 200;

    /// <summary>Deep pages are refused: nobody reads result 10,001, and OFFSET costs grow with it.</summary>
    public const int MaxResultWindow = 10_000;

    public string CacheKey => string.Join('\u001f', "search", Q, Category, LifeEvent, Agency, Language, Page, PageSize);

    /// <summary>Lower case, runs of white space made one, trimmed.</summary>
    public static string Normalise(string? q) =>
        string.Join(' ', (q ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
}

public sealed record SearchPage(IReadOnlyList<ServiceSummary> Items, int Total, int Page, int PageSize);

/// <summary>
/// Every rule for a search from outside. Messages are in the caller's language; unknown codes are checked
/// against the catalogue (cached), so <c>category=nothing</c> is a 400 and not an empty page.
/// </summary>
public sealed class SearchInputValidator : AbstractValidator<SearchInput>
{
    public SearchInputValidator(CatalogReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);

        RuleFor(x => x.Q)
            .Must(q => q != SearchInput.Repeated)
            .WithMessage(_ => T("Toa neno la kutafuta mara moja tu.", "Give the search words only once."))
            .DependentRules(() =>
            {
                RuleFor(x => x.Q)
                    .MaximumLength(SearchQuery.MaxQueryLength)
                    .WithMessage(_ => T($"Maneno ya kutafuta yasizidi herufi {SearchQuery.MaxQueryLength}.",
                        $"The search words must not be longer than {SearchQuery.MaxQueryLength} characters."))
                    .Must(q => q is null || !q.Any(char.IsControl))
                    .WithMessage(_ => T("Maneno ya kutafuta yana herufi zisizoruhusiwa.",
                        "The search words contain characters that are not allowed."));
            });

        RuleFor(x => x.Page)
            .Must(BeWhole(1, int.MaxValue))
            .WithMessage(_ => T("Ukurasa uwe namba nzima kuanzia 1.", "The page must be a whole number from 1."));

        RuleFor(x => x.PageSize)
            .Must(BeWhole(1, SearchQuery.MaxPageSize))
            .WithMessage(_ => T($"Idadi ya huduma kwa kila ukurasa iwe kati ya 1 na {SearchQuery.MaxPageSize}.",
                $"The page size must be between 1 and {SearchQuery.MaxPageSize}."));

        RuleFor(x => x)
            .Must(x => !BeWhole(1, int.MaxValue)(x.Page) || !BeWhole(1, SearchQuery.MaxPageSize)(x.PageSize) ||
                       (long)Parse(x.Page, 1) * Parse(x.PageSize, SearchQuery.DefaultPageSize) <= SearchQuery.MaxResultWindow)
            .WithName("page")
            .OverridePropertyName("page")
            .WithMessage(_ => T($"Matokeo yanaonyeshwa hadi {SearchQuery.MaxResultWindow:N0} ya kwanza tu; boresha utafutaji wako.",
                $"Only the first {SearchQuery.MaxResultWindow:N0} results are shown; narrow your search."));

        RuleFor(x => x.Lang)
            .Must(lang => SearchInput.Blank(lang) is null || IsSupported(lang))
            .WithMessage(_ => T("Lugha iwe 'sw' au 'en'.", "The language must be 'sw' or 'en'."));

        RuleFor(x => x.Category)
            .MustAsync(async (code, ct) => SearchInput.Blank(code) is not { } c ||
                (await reader.ListCategoriesAsync(ct)).Any(x => x.Code == c))
            .WithMessage(_ => T("Hakuna kundi la huduma lenye jina hilo.", "There is no category with that code."));

        RuleFor(x => x.LifeEvent)
            .MustAsync(async (code, ct) => SearchInput.Blank(code) is not { } c ||
                (await reader.ListLifeEventsAsync(ct)).Any(x => x.Code == c))
            .WithMessage(_ => T("Hakuna tukio la maisha lenye jina hilo.", "There is no life event with that code."));

        RuleFor(x => x.Agency)
            .MustAsync(async (code, ct) => SearchInput.Blank(code) is not { } c ||
                (await reader.ListAgenciesAsync(ct)).Any(x => x.Code == c))
            .WithMessage(_ => T("Hakuna taasisi yenye jina hilo.", "There is no institution with that code."));
    }

    private static Func<string?, bool> BeWhole(int min, int max) => value =>
        SearchInput.Blank(value) is not { } text ||
        (text.Length <= 9 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max);

    private static int Parse(string? value, int fallback) =>
        SearchInput.Blank(value) is { } text ? int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) : fallback;
}

/// <summary>
/// Ranked search over published services, in both languages at once.
/// <para>
/// <b>Which services are ranked.</b> Scoring every match does not scale: common words ("leseni", "certificate")
/// match thousands of services, and the trigram similarities cost microseconds per row. So a search first
/// gathers at most <see cref="RankedCandidates"/> matching services (more for a deep page), from the strongest
/// kind of match to the weakest, each kind found through its GIN index and stopping as soon as enough are in
/// hand: (1) every word of the query (as a prefix) in the names or keywords; (2) the names or keywords close
/// to the query by trigram word similarity, which forgives spelling ("kuzaiwa" finds "kuzaliwa"); (3) every
/// word anywhere in the search document (summaries, agency, life events, descriptions); (4) any word
/// anywhere. Filters (category, life event, agency) and the approved-agency rule are applied inside each
/// step, so they never crowd out the services they ask for. Within a kind the index's order decides which
/// services are gathered when there are more than the cap.
/// </para>
/// <para>
/// <b>How they are ranked.</b> The score adds the weighted text rank (names A, summaries and keywords B, agency
/// and life events C, descriptions D), twice the trigram word similarity to the names and keywords, and the
/// whole-name similarity (which prefers the shorter, closer name: "pasipoti" finds the passport before its
/// renewal), so the service whose name is closest to what was typed comes first even when several match every
/// word; then the name in the requested language, then the code.
/// </para>
/// <para>
/// <b>Total.</b> The number of services gathered: exact while it is below the cap; at the cap it means "at
/// least this many", and it is always one more than the end of the requested page when more follow, so
/// <c>page × pageSize &lt; total</c> still says whether there is a next page.
/// </para>
/// </summary>
internal sealed class ServiceSearch(NpgsqlDataSource dataSource, CatalogCache cache)
{
    /// <summary>
    /// How many matching services a search gathers and ranks (at least; a deep page needs its offset plus one
    /// page plus one). A citizen reads the first page or two; ranking more costs time on every search.
    /// </summary>
    public const int RankedCandidates = 100;

    // Words too common in service names to tell services apart; dropped from the text query (never from the
    // trigram comparison), unless the query has nothing else.
    private static readonly string[] StopWords =
    [
        "a", "an", "and", "the", "of", "for", "to", "in", "on", "my", "how",
        "ya", "wa", "la", "cha", "za", "vya", "kwa", "na", "ni", "katika", "kwenye", "au",
    ];

    public Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return cache.GetOrLoadAsync(query.CacheKey, ct => RunAsync(query, ct), cancellationToken);
    }

    private async Task<SearchPage> RunAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        var browsing = query.Q.Length == 0;
        var filters = (query.Category is null ? 0 : Filter.Category) | (query.LifeEvent is null ? 0 : Filter.LifeEvent) |
                      (query.Agency is null ? 0 : Filter.Agency);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var rows = new List<ServiceRow>(query.PageSize);
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            // Prepared (Npgsql keeps it on the pooled physical connection) and planned once: planning the
            // search's steps costs about as much as running them, and the plan does not depend on the words
            // (they reach the indexes as values from the input step). Only for this transaction. Browsing keeps
            // custom plans: its "@agency IS NULL OR ..." filters are only simplified when the values are known.
            // No JIT either: a generic plan's estimates are high enough to pass jit_above_cost, and compiling the
            // query would cost more than running it, on every execution (JIT code is not kept across executions).
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL jit = off"));
            if (!browsing)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL plan_cache_mode = force_generic_plan"));
            }

            batch.BatchCommands.Add(Command(browsing ? BrowseSql : SearchSql[(int)filters], query));
            await batch.PrepareAsync(cancellationToken);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            while (reader.FieldCount == 0 && await reader.NextResultAsync(cancellationToken))
            {
            }

            var parse = reader.GetRowParser<ServiceRow>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(parse(reader));
            }
        }

        var total = rows.Count > 0 ? (int)rows[0].Total : 0;
        if (rows.Count == 0 && query.Page > 1)
        {
            // Past the last page: the total is still worth telling.
            await using var count = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands = { Command(browsing ? BrowseCountSql : SearchCountSql[(int)filters], query) },
            };
            total = (int)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        await transaction.CommitAsync(cancellationToken);
        return new SearchPage([.. rows.Select(r => r.ToSummary())], total, query.Page, query.PageSize);
    }

    private static NpgsqlBatchCommand Command(string sql, SearchQuery query)
    {
        var offset = (query.Page - 1) * query.PageSize;
        return new NpgsqlBatchCommand(sql)
        {
            Parameters =
            {
                new NpgsqlParameter("q", NpgsqlDbType.Text) { Value = query.Q },
                new NpgsqlParameter("stopWords", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = StopWords },
                new NpgsqlParameter("category", NpgsqlDbType.Text) { Value = (object?)query.Category ?? DBNull.Value },
                new NpgsqlParameter("lifeEvent", NpgsqlDbType.Text) { Value = (object?)query.LifeEvent ?? DBNull.Value },
                new NpgsqlParameter("agency", NpgsqlDbType.Text) { Value = (object?)query.Agency ?? DBNull.Value },
                new NpgsqlParameter("english", NpgsqlDbType.Boolean) { Value = query.Language == English },
                new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = query.PageSize },
                new NpgsqlParameter("offset", NpgsqlDbType.Integer) { Value = offset },
                // One more than the page's end, so that a full result set says a next page exists.
                new NpgsqlParameter("candidates", NpgsqlDbType.Integer) { Value = Math.Max(RankedCandidates, offset + query.PageSize + 1) },
            },
        };
    }

    // The query's words, split exactly as the documents were (PostgreSQL's 'simple' parser), stop words dropped
    // unless nothing else is left; each word a prefix, OR-ed (any word) and AND-ed (every word). The filters'
    // codes become ids once, and the agencies whose services must not show are listed once (usually none).
    private const string Input = """
        WITH words AS (
            SELECT w FROM unnest(tsvector_to_array(to_tsvector('simple', @q))) AS w
        ),
        kept AS (
            SELECT w FROM words
             WHERE w <> ALL (@stopWords) OR NOT EXISTS (SELECT 1 FROM words WHERE w <> ALL (@stopWords))
        ),
        input AS (
            SELECT (SELECT coalesce(to_tsquery('simple', string_agg(quote_literal(w) || ':*', ' | ')), ''::tsquery) FROM kept) AS any_word,
                   (SELECT coalesce(to_tsquery('simple', string_agg(quote_literal(w) || ':*', ' & ')), ''::tsquery) FROM kept) AS every_word,
                   (SELECT coalesce(array_agg(id), '{}') FROM catalog.agencies WHERE status <> 'approved') AS hidden_agencies,
                   (SELECT id FROM catalog.agencies WHERE code = @agency) AS agency_id,
                   (SELECT id FROM catalog.categories WHERE code = @category) AS category_id
        )
        """;

    [Flags]
    private enum Filter { Category = 1, LifeEvent = 2, Agency = 4 }

    // What every gathered service must also be: published, of an approved agency, and what the filters ask.
    // Only the filters asked for are written (one statement per combination), so that each is a plain
    // condition the planner can combine with the word index (a BitmapAnd with services_agency, for example)
    // instead of "@agency IS NULL OR ...", which no index can answer.
    private static string Eligible(Filter filters) => string.Concat(
        "s.status = 'published' AND s.agency_id <> ALL (i.hidden_agencies)",
        filters.HasFlag(Filter.Agency) ? " AND s.agency_id = i.agency_id" : "",
        filters.HasFlag(Filter.Category) ? " AND s.category_id = i.category_id" : "",
        filters.HasFlag(Filter.LifeEvent)
            ? " AND s.id IN (SELECT service_id FROM life_event_services)"
            : "");

    // One kind of match: the services it finds (through its index) that earlier kinds did not, until the cap.
    // Each is MATERIALIZED and runs only when asked for rows, so a kind after the cap is never searched.
    private static string Kind(Filter filters, string name, string condition, string? before) => $"""
        {name} AS MATERIALIZED (
            SELECT s.id FROM catalog.services s CROSS JOIN input i
             WHERE {condition}
               AND {Eligible(filters)}
               {(before is null ? "" : $"AND s.id NOT IN (SELECT id FROM {before})")}
             LIMIT @candidates{(before is null ? "" : $" - (SELECT count(*) FROM {before})")}
        )
        """;

    // The life event's services, found once (not per row: a correlated subquery here is run for every row).
    private const string LifeEventServices = """
        life_event_services AS MATERIALIZED (
            SELECT sle.service_id FROM catalog.service_life_events sle
             WHERE sle.life_event_id = (SELECT id FROM catalog.life_events WHERE code = @lifeEvent)
        ),
        """;

    private static string Candidates(Filter filters) => $"""
        {Input},
        {(filters.HasFlag(Filter.LifeEvent) ? LifeEventServices : "")}
        {Kind(filters, "in_names", "to_tsvector('simple', s.search_names) @@ i.every_word", null)},
        {Kind(filters, "close_to_names", "@q <% s.search_names", "in_names")},
        taken_2 AS MATERIALIZED (SELECT id FROM in_names UNION ALL SELECT id FROM close_to_names),
        {Kind(filters, "every_word", "s.search_document @@ i.every_word", "taken_2")},
        taken_3 AS MATERIALIZED (SELECT id FROM taken_2 UNION ALL SELECT id FROM every_word),
        {Kind(filters, "any_word", "s.search_document @@ i.any_word", "taken_3")},
        candidates AS MATERIALIZED (SELECT id FROM taken_3 UNION ALL SELECT id FROM any_word)
        """;

    private static readonly string[] SearchSql = [.. Enumerable.Range(0, 8).Select(f => $$"""
        {{Candidates((Filter)f)}}
        SELECT {{CatalogReader.SummaryColumns}}, (SELECT count(*) FROM candidates) AS Total
          FROM candidates k
          JOIN catalog.services s ON s.id = k.id
          JOIN catalog.agencies a ON a.id = s.agency_id
          JOIN catalog.categories c ON c.id = s.category_id
          CROSS JOIN input i
         ORDER BY ts_rank('{0.1, 0.2, 0.4, 1.0}', s.search_document, i.any_word)
                  + 2 * word_similarity(@q, s.search_names)
                  + greatest(similarity(@q, s.name_sw), similarity(@q, s.name_en)) DESC,
                  CASE WHEN @english THEN s.name_en ELSE s.name_sw END, s.code
         LIMIT @limit OFFSET @offset
        """)];

    private static readonly string[] SearchCountSql = [.. Enumerable.Range(0, 8).Select(f => $"""
        {Candidates((Filter)f)}
        SELECT count(*)::int FROM candidates
        """)];

    // Without words: every published service the filters allow, by name; the total is exact.
    private const string BrowseFilters = """
          FROM catalog.services s
          JOIN catalog.agencies a ON a.id = s.agency_id
          JOIN catalog.categories c ON c.id = s.category_id
         WHERE s.status = 'published' AND a.status = 'approved'
           AND (@category::text IS NULL OR c.code = @category)
           AND (@agency::text IS NULL OR a.code = @agency)
           AND (@lifeEvent::text IS NULL OR EXISTS (
                SELECT 1 FROM catalog.service_life_events sle
                  JOIN catalog.life_events e ON e.id = sle.life_event_id
                 WHERE sle.service_id = s.id AND e.code = @lifeEvent))
        """;

    private const string BrowseSql = $"""
        SELECT {CatalogReader.SummaryColumns}, count(*) OVER () AS Total
        {BrowseFilters}
         ORDER BY CASE WHEN @english THEN s.name_en ELSE s.name_sw END, s.code
         LIMIT @limit OFFSET @offset
        """;

    private const string BrowseCountSql = $"""
        SELECT count(*)::int
        {BrowseFilters}
        """;
}
