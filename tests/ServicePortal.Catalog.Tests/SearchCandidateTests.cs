using System.Net;
using System.Text.Json;
using Dapper;
using Npgsql;
using ServicePortal.Catalog.Search;

namespace ServicePortal.Catalog.Tests;

/// <summary>
/// Search ranks a bounded set of candidates (<see cref="ServiceSearch.RankedCandidates"/>). These tests put more
/// matching services than that into their own database: 150 of one agency sharing a made-up word, and 3 of a
/// second agency in another category and life event, so the cap binds and the filters must act before it.
/// </summary>
public sealed class SearchCandidateTests(SearchCandidateTests.Portal portal) : IClassFixture<SearchCandidateTests.Portal>
{
    private const int Many = 150;

    public sealed class Portal : CatalogPortalFactory
    {
        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            _ = Services; // starts the host, which migrates and seeds the demo catalogue (its categories and life events)
            await using var connection = new NpgsqlConnection(Database.ConnectionString);
            await connection.ExecuteAsync(
                """
                INSERT INTO catalog.agencies (code, short_name, name_sw, name_en, status)
                VALUES ('zz-wengi', 'ZZW', 'Taasisi ya Wengi', 'Agency of Many', 'approved'),
                       ('zz-wachache', 'ZZC', 'Taasisi ya Wachache', 'Agency of Few', 'approved');

                INSERT INTO catalog.services (code, agency_id, category_id, name_sw, name_en, summary_sw, summary_en, status, published_at)
                SELECT format('zz-wengi-%s', n), a.id, c.id, format('Kibali cha Mfanofano %s', n), format('Mfanofano permit %s', n),
                       'Huduma ya majaribio.', 'A test service.', 'published', now()
                  FROM generate_series(1, @many) AS n, catalog.agencies a, catalog.categories c
                 WHERE a.code = 'zz-wengi' AND c.code = 'utambulisho';

                INSERT INTO catalog.services (code, agency_id, category_id, name_sw, name_en, summary_sw, summary_en, status, published_at)
                SELECT format('zz-wachache-%s', n), a.id, c.id, format('Leseni ya Mfanofano %s', n), format('Mfanofano licence %s', n),
                       'Huduma ya majaribio.', 'A test service.', 'published', now()
                  FROM generate_series(1, 3) AS n, catalog.agencies a, catalog.categories c
                 WHERE a.code = 'zz-wachache' AND c.code = 'kodi';

                INSERT INTO catalog.service_life_events (service_id, life_event_id)
                SELECT s.id, e.id FROM catalog.services s, catalog.life_events e
                 WHERE s.code LIKE 'zz-wachache-%' AND e.code = 'kuanzisha-biashara';
                """, new { many = Many });
        }
    }

    private async Task<JsonElement> GetJsonAsync(string url)
    {
        using var client = portal.CreateClient();
        var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static List<string> Codes(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("code").GetString()!)];

    [Fact]
    public async Task With_more_matches_than_the_cap_the_total_is_the_cap_meaning_at_least_that_many()
    {
        var page = await GetJsonAsync("/api/catalog/services?q=mfanofano");

        Assert.Equal(ServiceSearch.RankedCandidates, page.GetProperty("total").GetInt32());
        Assert.Equal(20, page.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task The_results_page_says_or_more_at_the_cap_and_the_exact_number_below_it()
    {
        using var client = portal.CreateClient();
        var capped = await client.GetStringAsync("/huduma?q=mfanofano");
        var exact = await client.GetStringAsync("/huduma?q=mfanofano&category=kodi");

        Assert.Contains($"Huduma {ServiceSearch.RankedCandidates} au zaidi", capped, StringComparison.Ordinal);
        Assert.Contains("Huduma 3<", exact, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_fewer_matches_than_the_cap_the_total_is_exact()
    {
        var page = await GetJsonAsync("/api/catalog/services?q=licence&pageSize=50");

        Assert.True(page.GetProperty("total").GetInt32() < ServiceSearch.RankedCandidates);
        Assert.Equal(page.GetProperty("items").GetArrayLength(), page.GetProperty("total").GetInt32());
        Assert.Equal(["zz-wachache-1", "zz-wachache-2", "zz-wachache-3"], Codes(page).Where(c => c.StartsWith("zz-", StringComparison.Ordinal)).Order());
    }

    [Fact]
    public async Task Pages_past_the_cap_still_have_results_and_a_total_that_promises_the_next_page()
    {
        const int pageSize = 20;
        var page = (ServiceSearch.RankedCandidates / pageSize) + 1;

        var result = await GetJsonAsync($"/api/catalog/services?q=mfanofano&page={page}&pageSize={pageSize}");

        Assert.Equal(pageSize, result.GetProperty("items").GetArrayLength());
        Assert.True(page * pageSize < result.GetProperty("total").GetInt32(), "a next page is announced");
        var first = await GetJsonAsync($"/api/catalog/services?q=mfanofano&pageSize={pageSize}");
        Assert.Empty(Codes(first).Intersect(Codes(result)));
    }

    [Theory]
    [InlineData("agency=zz-wachache")]
    [InlineData("category=kodi")]
    [InlineData("lifeEvent=kuanzisha-biashara")]
    public async Task Filters_act_before_the_cap_so_few_matching_services_are_never_crowded_out(string filter)
    {
        var page = await GetJsonAsync("/api/catalog/services?q=mfanofano&" + filter);

        Assert.Equal(["zz-wachache-1", "zz-wachache-2", "zz-wachache-3"], Codes(page).Order());
        Assert.Equal(3, page.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_misspelt_word_still_finds_services_among_many()
    {
        var page = await GetJsonAsync("/api/catalog/services?q=mfanofamo");

        Assert.True(page.GetProperty("total").GetInt32() > 0);
        Assert.All(Codes(page), c => Assert.StartsWith("zz-", c, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_birth_certificate_stays_first_beside_many_other_certificates()
    {
        await using (var connection = new NpgsqlConnection(portal.Database.ConnectionString))
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO catalog.services (code, agency_id, category_id, name_sw, name_en, summary_sw, summary_en, status, published_at)
                SELECT format('zz-wengi-cheti-%s', n), a.id, c.id, format('Cheti cha Mfanofano %s', n), format('Mfanofano certificate %s', n),
                       'Huduma ya majaribio.', 'A test service.', 'published', now()
                  FROM generate_series(1, @many) AS n, catalog.agencies a, catalog.categories c
                 WHERE a.code = 'zz-wengi' AND c.code = 'utambulisho'
                ON CONFLICT (code) DO NOTHING
                """, new { many = Many });
        }

        foreach (var q in new[] { "cheti cha kuzaliwa", "cheti cha kuzaiwa", "birth certificate" })
        {
            var page = await GetJsonAsync("/api/catalog/services?q=" + Uri.EscapeDataString(q));
            Assert.True(Codes(page)[0] == "rita-birth-certificate", $"'{q}': {string.Join(", ", Codes(page).Take(5))}");
        }
    }
}
