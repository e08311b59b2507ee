using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ServicePortal.Catalog.Api;

namespace ServicePortal.Catalog.Tests;

public sealed class CatalogApiTests(CatalogPortalFactory portal) : IClassFixture<CatalogPortalFactory>
{
    private async Task<JsonElement> GetJsonAsync(string url)
    {
        using var client = portal.CreateClient();
        var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private async Task<long> PublishedServiceCountAsync()
    {
        await using var dataSource = portal.Database.CreateDataSource();
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM catalog.services WHERE status = 'published'");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task The_demo_catalogue_has_at_least_30_agencies_and_120_services()
    {
        var agencies = await GetJsonAsync("/api/catalog/agencies");
        var all = await GetJsonAsync("/api/catalog/services?pageSize=1");

        Assert.True(agencies.GetProperty("items").GetArrayLength() >= 30);
        Assert.True(all.GetProperty("total").GetInt32() >= 120);
        Assert.Contains(agencies.GetProperty("items").EnumerateArray(), a => a.GetProperty("code").GetString() == "rita");
    }

    [Fact]
    public async Task A_search_answers_items_total_page_and_page_size_with_both_languages()
    {
        var page1 = await GetJsonAsync("/api/catalog/services?pageSize=5");
        var page2 = await GetJsonAsync("/api/catalog/services?pageSize=5&page=2");

        Assert.Equal(5, page1.GetProperty("items").GetArrayLength());
        Assert.Equal(1, page1.GetProperty("page").GetInt32());
        Assert.Equal(5, page1.GetProperty("pageSize").GetInt32());
        Assert.Equal(await PublishedServiceCountAsync(), page1.GetProperty("total").GetInt32());
        Assert.Equal(2, page2.GetProperty("page").GetInt32());
        var first = page1.GetProperty("items")[0];
        Assert.NotEqual(first.GetProperty("code").GetString(), page2.GetProperty("items")[0].GetProperty("code").GetString());
        foreach (var property in new[] { "code", "name", "summary", "agency", "category", "cost", "processingTime" })
        {
            Assert.True(first.TryGetProperty(property, out _), $"an item has {property}");
        }

        Assert.False(string.IsNullOrEmpty(first.GetProperty("name").GetProperty("sw").GetString()));
        Assert.False(string.IsNullOrEmpty(first.GetProperty("name").GetProperty("en").GetString()));
        Assert.False(string.IsNullOrEmpty(first.GetProperty("agency").GetProperty("name").GetProperty("sw").GetString()));
    }

    [Theory]
    [InlineData("cheti cha kuzaliwa", "rita-birth-certificate")]
    [InlineData("cheti cha kuzaiwa", "rita-birth-certificate")]
    [InlineData("birth certificate", "rita-birth-certificate")]
    [InlineData("Birth Certificate", "rita-birth-certificate")]
    [InlineData("cheti cha kifo", "rita-death-certificate")]
    [InlineData("TIN", "tra-tin-individual")]
    [InlineData("pasipoti", "uhamiaji-passport")]
    [InlineData("passport", "uhamiaji-passport")]
    [InlineData("pasiporti", "uhamiaji-passport")]
    [InlineData("leseni ya udereva", "tra-driving-licence")]
    [InlineData("driving licence", "tra-driving-licence")]
    [InlineData("usajili wa jina la biashara", "brela-business-name")]
    [InlineData("business name registration", "brela-business-name")]
    [InlineData("kitambulisho cha taifa", "nida-national-id")]
    public async Task Search_puts_the_expected_service_first(string q, string expected)
    {
        var result = await GetJsonAsync("/api/catalog/services?q=" + Uri.EscapeDataString(q));

        Assert.True(result.GetProperty("total").GetInt32() > 0, $"'{q}' finds something");
        var codes = result.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("code").GetString()).ToList();
        Assert.True(codes[0] == expected, $"'{q}': {string.Join(", ", codes.Take(5))}");
    }

    [Fact]
    public async Task Leseni_ya_biashara_puts_business_licences_first()
    {
        var result = await GetJsonAsync("/api/catalog/services?q=leseni%20ya%20biashara&pageSize=4");

        foreach (var item in result.GetProperty("items").EnumerateArray())
        {
            Assert.StartsWith("Leseni ya Biashara", item.GetProperty("name").GetProperty("sw").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Filters_narrow_by_category_life_event_and_agency()
    {
        var tax = await GetJsonAsync("/api/catalog/services?category=kodi&pageSize=50");
        var birth = await GetJsonAsync("/api/catalog/services?lifeEvent=kuzaliwa-mtoto&pageSize=50");
        var rita = await GetJsonAsync("/api/catalog/services?agency=rita&pageSize=50");
        var ritaBirth = await GetJsonAsync("/api/catalog/services?agency=rita&lifeEvent=kuzaliwa-mtoto&q=cheti");

        Assert.All(tax.GetProperty("items").EnumerateArray(), i => Assert.Equal("kodi", i.GetProperty("category").GetProperty("code").GetString()));
        Assert.Contains(birth.GetProperty("items").EnumerateArray(), i => i.GetProperty("code").GetString() == "rita-birth-certificate");
        Assert.Contains(birth.GetProperty("items").EnumerateArray(), i => i.GetProperty("code").GetString() == "nhif-toto-afya");
        Assert.All(rita.GetProperty("items").EnumerateArray(), i => Assert.Equal("rita", i.GetProperty("agency").GetProperty("code").GetString()));
        Assert.Equal(7, rita.GetProperty("total").GetInt32());
        Assert.All(ritaBirth.GetProperty("items").EnumerateArray(), i => Assert.StartsWith("rita-", i.GetProperty("code").GetString(), StringComparison.Ordinal));
        Assert.Equal("rita-birth-certificate", ritaBirth.GetProperty("items")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_service_is_the_whole_entry_with_its_form_schema()
    {
        var service = await GetJsonAsync("/api/catalog/services/rita-birth-certificate");

        Assert.Equal("Cheti cha Kuzaliwa", service.GetProperty("name").GetProperty("sw").GetString());
        Assert.Equal("Birth Certificate", service.GetProperty("name").GetProperty("en").GetString());
        Assert.Equal("rita", service.GetProperty("agency").GetProperty("code").GetString());
        Assert.Equal(3500, service.GetProperty("cost").GetProperty("amountTzs").GetInt64());
        Assert.Equal("P7D", service.GetProperty("processingTime").GetProperty("iso8601").GetString());
        Assert.True(service.GetProperty("evidence").GetArrayLength() > 0);
        Assert.Equal("kuzaliwa-mtoto", service.GetProperty("lifeEvents")[0].GetProperty("code").GetString());
        var form = service.GetProperty("formSchema");
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", form.GetProperty("$schema").GetString());
        Assert.Equal("Jina kamili la mtoto", form.GetProperty("properties").GetProperty("childName").GetProperty("x-title").GetProperty("sw").GetString());
        Assert.StartsWith("/", service.GetProperty("submitPath").GetString(), StringComparison.Ordinal);
        Assert.True(service.GetProperty("appliesOnline").GetBoolean());
    }

    [Theory]
    [InlineData("/api/catalog/services/no-such-service")]
    [InlineData("/api/catalog/services/Not%20A%20Code")]
    [InlineData("/api/catalog/services/%3Cscript%3E")]
    public async Task An_unknown_service_is_a_404_problem(string url)
    {
        using var client = portal.CreateClient();

        var response = await client.GetAsync(url + "?lang=en");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(CatalogApi.NotFoundType, problem.GetProperty("type").GetString());
        Assert.Equal("Not found", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Categories_and_life_events_are_listed_in_both_languages()
    {
        var categories = await GetJsonAsync("/api/catalog/categories");
        var lifeEvents = await GetJsonAsync("/api/catalog/life-events");

        Assert.Contains(lifeEvents.GetProperty("items").EnumerateArray(), e =>
            e.GetProperty("name").GetProperty("sw").GetString() == "Kuzaliwa kwa mtoto" &&
            e.GetProperty("name").GetProperty("en").GetString() == "Birth of a child");
        Assert.Contains(lifeEvents.GetProperty("items").EnumerateArray(), e =>
            e.GetProperty("name").GetProperty("sw").GetString() == "Kuanzisha biashara");
        Assert.True(categories.GetProperty("items").GetArrayLength() >= 10);
    }

    [Theory]
    [InlineData("/api/catalog/services?q=cheti")]
    [InlineData("/api/catalog/services/rita-birth-certificate")]
    [InlineData("/api/catalog/agencies")]
    [InlineData("/api/catalog/export.jsonld")]
    public async Task Reads_carry_a_strong_ETag_and_answer_304_when_it_matches(string url)
    {
        using var client = portal.CreateClient();

        var first = await client.GetAsync(url);
        var etag = first.Headers.ETag;
        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.IfNoneMatch.Add(etag!);
        var second = await client.SendAsync(again);
        using var other = new HttpRequestMessage(HttpMethod.Get, url);
        other.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));
        var third = await client.SendAsync(other);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotNull(etag);
        Assert.False(etag!.IsWeak);
        Assert.Equal("public, max-age=60", first.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, second.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task The_export_is_CPSV_AP_JSON_LD_with_every_published_service()
    {
        using var client = portal.CreateClient();
        var response = await client.GetAsync("/api/catalog/export.jsonld");
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("application/ld+json", response.Content.Headers.ContentType?.MediaType);
        var context = root.GetProperty("@context");
        Assert.Equal("http://purl.org/vocab/cpsv#", context.GetProperty("cpsv").GetString());
        Assert.Equal("http://data.europa.eu/m8g/", context.GetProperty("cv").GetString());
        Assert.Equal("http://purl.org/dc/terms/", context.GetProperty("dct").GetString());
        var graph = root.GetProperty("@graph").EnumerateArray().ToList();
        Assert.All(graph, node =>
        {
            Assert.StartsWith("urn:serviceportal:", node.GetProperty("@id").GetString(), StringComparison.Ordinal);
            var type = node.GetProperty("@type").GetString()!;
            var prefix = type.Split(':')[0];
            Assert.True(context.TryGetProperty(prefix, out _), $"{type} uses a prefix the context defines");
        });
        var services = graph.Where(n => n.GetProperty("@type").GetString() == "cpsv:PublicService").ToList();
        Assert.Equal(await PublishedServiceCountAsync(), services.Count);
        var ids = graph.Select(n => n.GetProperty("@id").GetString()).ToHashSet();
        Assert.All(services, s =>
        {
            Assert.Contains(s.GetProperty("cv:hasCompetentAuthority").GetProperty("@id").GetString(), ids);
            Assert.Equal(2, s.GetProperty("dct:title").GetArrayLength());
        });
        var birth = services.Single(s => s.GetProperty("dct:identifier").GetString() == "rita-birth-certificate");
        Assert.Equal("P7D", birth.GetProperty("cv:processingTime").GetProperty("@value").GetString());
        Assert.Equal("3500", birth.GetProperty("cv:hasCost")[0].GetProperty("cv:value").GetProperty("@value").GetString());
        Assert.Contains(birth.GetProperty("dct:title").EnumerateArray(), t =>
            t.GetProperty("@language").GetString() == "sw" && t.GetProperty("@value").GetString() == "Cheti cha Kuzaliwa");
    }

    public static TheoryData<string, string> BadParameters => new()
    {
        { "pageSize=51", "pageSize" },
        { "pageSize=0", "pageSize" },
        { "page=0", "page" },
        { "page=-1", "page" },
        { "page=abc", "page" },
        { "page=99999999999999999999", "page" },
        { "page=600&pageSize=50", "page" },
        { "category=no-such-category", "category" },
        { "lifeEvent=no-such-event", "lifeEvent" },
        { "agency=no-such-agency", "agency" },
        { "lang=fr", "lang" },
        { "q=" + new string('a', 10_000), "q" },
        { "q=cheti%00kuzaliwa", "q" },
        { "q=cheti%0Akuzaliwa", "q" },
        { "q=a&q=b", "q" },
    };

    [Theory]
    [MemberData(nameof(BadParameters))]
    public async Task Bad_parameters_are_a_400_problem_naming_the_field(string query, string field)
    {
        using var client = portal.CreateClient();

        var response = await client.GetAsync("/api/catalog/services?" + query);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(CatalogApi.InvalidParametersType, problem.GetProperty("type").GetString());
        Assert.Equal("Vigezo vya ombi si sahihi", problem.GetProperty("title").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), body);
        Assert.False(string.IsNullOrWhiteSpace(messages[0].GetString()));
    }

    [Fact]
    public async Task Problem_messages_speak_the_callers_language()
    {
        using var client = portal.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", "portal_lang=c%3Den%7Cuic%3Den");

        var response = await client.GetAsync("/api/catalog/services?pageSize=500");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("Some parameters are not valid", problem.GetProperty("title").GetString());
        Assert.Equal("The page size must be between 1 and 50.", problem.GetProperty("errors").GetProperty("pageSize")[0].GetString());
    }

    [Theory]
    [InlineData("'; DROP TABLE catalog.services; --")]
    [InlineData("cheti' OR '1'='1")]
    [InlineData("\\'; SELECT pg_sleep(5); --")]
    [InlineData("cheti & kifo | !birth :* <->")]
    [InlineData("%_%")]
    [InlineData(")(*&^%$#@!")]
    public async Task Injection_attempts_in_q_are_searched_for_like_any_words_and_change_nothing(string q)
    {
        var before = await PublishedServiceCountAsync();
        using var client = portal.CreateClient();

        var response = await client.GetAsync("/api/catalog/services?q=" + Uri.EscapeDataString(q));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before, await PublishedServiceCountAsync());
    }

    [Fact]
    public async Task Unpublished_services_are_not_public()
    {
        await using var dataSource = portal.Database.CreateDataSource();
        await using (var insert = dataSource.CreateCommand("""
            INSERT INTO catalog.services (code, agency_id, category_id, name_sw, name_en, summary_sw, summary_en, status)
            SELECT 'rita-draft-only', a.id, c.id, 'Rasimu ya siri', 'Secret draft', 'x', 'x', 'draft'
              FROM catalog.agencies a, catalog.categories c WHERE a.code = 'rita' AND c.code = 'utambulisho'
            """))
        {
            await insert.ExecuteNonQueryAsync();
        }

        using var client = portal.CreateClient();
        var direct = await client.GetAsync("/api/catalog/services/rita-draft-only");
        var search = await GetJsonAsync("/api/catalog/services?q=secret%20draft");

        Assert.Equal(HttpStatusCode.NotFound, direct.StatusCode);
        Assert.DoesNotContain(search.GetProperty("items").EnumerateArray(), i => i.GetProperty("code").GetString() == "rita-draft-only");
    }

    [Fact]
    public async Task Every_seeded_service_has_its_creation_in_the_history()
    {
        await using var dataSource = portal.Database.CreateDataSource();
        await using var command = dataSource.CreateCommand("""
            SELECT count(*) FROM catalog.services s
             WHERE s.status = 'published'
               AND NOT EXISTS (SELECT 1 FROM catalog.service_history h
                                WHERE h.service_id = s.id AND h.change = 'created' AND h.changed_by = 'seed'
                                  AND h.after ->> 'code' = s.code)
            """);

        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Search_documents_hold_names_agencies_and_life_events()
    {
        await using var dataSource = portal.Database.CreateDataSource();
        await using var command = dataSource.CreateCommand("""
            SELECT search_document @@ to_tsquery('simple', 'rita') AND search_document @@ to_tsquery('simple', 'mtoto')
                   AND search_document @@ to_tsquery('simple', 'birth')
              FROM catalog.services WHERE code = 'rita-birth-certificate'
            """);

        Assert.Equal(true, await command.ExecuteScalarAsync());
    }
}
