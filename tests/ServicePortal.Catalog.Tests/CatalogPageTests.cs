using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.Catalog.Changes;

namespace ServicePortal.Catalog.Tests;

public sealed class CatalogPageTests(CatalogPortalFactory portal) : IClassFixture<CatalogPortalFactory>
{
    private async Task<(HttpStatusCode Status, string Html)> GetAsync(string url)
    {
        using var client = portal.CreateClient();
        var response = await client.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The page at <paramref name="url"/>, answered 200 and showing each of <paramref name="texts"/>.</summary>
    private async Task<string> PageShowingAsync(string url, params string[] texts)
    {
        var (status, html) = await GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var text in texts)
        {
            Assert.Contains(text, html, StringComparison.Ordinal);
        }

        return html;
    }

    [Fact]
    public async Task The_home_page_has_the_search_box_life_events_and_categories()
    {
        await PageShowingAsync("/",
            "Huduma zote za Serikali, mahali pamoja",
            "action=\"/huduma\"",
            "name=\"q\"",
            "Kuzaliwa kwa mtoto",
            "/huduma?lifeEvent=kuzaliwa-mtoto",
            "Kodi na ushuru");
    }

    [Fact]
    public async Task Results_list_the_birth_certificate_first_for_a_misspelt_search()
    {
        var (status, html) = await GetAsync("/huduma?q=cheti+cha+kuzaiwa");

        Assert.Equal(HttpStatusCode.OK, status);
        var first = html.IndexOf("href=\"/huduma/", StringComparison.Ordinal);
        Assert.True(first > 0);
        Assert.StartsWith("href=\"/huduma/rita-birth-certificate\"", html[first..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Results_page_in_English_and_with_a_filter()
    {
        await PageShowingAsync("/huduma?lifeEvent=kuanzisha-biashara&lang=en",
            "Starting a business",
            "Business Name Registration");
    }

    [Fact]
    public async Task A_bad_search_address_shows_the_message_with_status_400()
    {
        var (status, html) = await GetAsync("/huduma?pageSize=500&category=hakuna");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Hakuna kundi la huduma lenye jina hilo.", html, StringComparison.Ordinal);
        Assert.Contains("Idadi ya huduma kwa kila ukurasa iwe kati ya 1 na 50.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_service_page_says_what_to_bring_cost_time_provider_and_how_to_apply()
    {
        await PageShowingAsync("/huduma/rita-birth-certificate",
            "<h1>Cheti cha Kuzaliwa</h1>",
            "TZS 3,500",
            "Hadi siku 7",
            "Taarifa ya kuzaliwa kutoka hospitali au kituo cha afya",
            "href=\"/taasisi/rita\"",
            "href=\"/apply/rita-birth-certificate\"",
            "Sheria ya Usajili wa Vizazi na Vifo, Sura ya 108");
    }

    [Fact]
    public async Task A_service_at_the_agencys_own_pages_links_through_the_gateway()
    {
        var (status, html) = await GetAsync("/huduma/uhamiaji-passport?lang=en");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("href=\"/agencies/uhamiaji/\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("/apply/", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/huduma/hakuna-huduma-hii")]
    [InlineData("/huduma/%3Cscript%3E")]
    [InlineData("/taasisi/hakuna")]
    public async Task Unknown_services_and_agencies_are_the_localized_404_page(string url)
    {
        var (status, html) = await GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("Ukurasa haupatikani", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_agency_page_lists_its_services()
    {
        var (status, html) = await GetAsync("/taasisi/brela");
        var (listStatus, list) = await GetAsync("/taasisi");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Wakala wa Usajili wa Biashara na Leseni (BRELA)", html, StringComparison.Ordinal);
        Assert.Contains("Usajili wa Jina la Biashara", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, listStatus);
        Assert.Contains("href=\"/taasisi/nida\"", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_and_script_in_catalogue_text_are_shown_escaped()
    {
        const string Evil = "<script>alert('x')</script><b>Bold</b>";
        await using (var dataSource = portal.Database.CreateDataSource())
        await using (var insert = dataSource.CreateCommand("""
            INSERT INTO catalog.services (code, agency_id, category_id, name_sw, name_en, summary_sw, summary_en,
                                          evidence, output_sw, output_en, status, published_at)
            SELECT 'rita-escaping-test', a.id, c.id, $1, $1, $1, $1,
                   jsonb_build_array(jsonb_build_object('sw', $1, 'en', $1)), $1, $1, 'published', now()
              FROM catalog.agencies a, catalog.categories c WHERE a.code = 'rita' AND c.code = 'utambulisho'
            """))
        {
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = Evil });
            await insert.ExecuteNonQueryAsync();
        }

        var (status, page) = await GetAsync("/huduma/rita-escaping-test");
        var (_, results) = await GetAsync("/huduma?agency=rita&pageSize=50");

        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var html in new[] { page, results })
        {
            Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<b>Bold</b>", html, StringComparison.Ordinal);
            Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_status_change_is_written_with_its_history_in_one_go()
    {
        var changes = portal.Services.GetRequiredService<ServiceChanges>();

        Assert.True(await changes.ChangeStatusAsync("tpa-port-pass", "retired", "staff:test", "retired", "replaced", CancellationToken.None));
        Assert.False(await changes.ChangeStatusAsync("no-such-service", "retired", "staff:test", "retired", null, CancellationToken.None));

        await using var dataSource = portal.Database.CreateDataSource();
        await using var command = dataSource.CreateCommand("""
            SELECT h.before ->> 'status', h.after ->> 'status', h.changed_by, h.reason
              FROM catalog.service_history h JOIN catalog.services s ON s.id = h.service_id
             WHERE s.code = 'tpa-port-pass' AND h.change = 'retired'
            """);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("published", reader.GetString(0));
        Assert.Equal("retired", reader.GetString(1));
        Assert.Equal("staff:test", reader.GetString(2));
        Assert.Equal("replaced", reader.GetString(3));
    }

    private async Task<(HttpStatusCode Status, Uri Address, string Html)> FollowAsync(string url)
    {
        using var client = portal.CreateClient();
        var response = await client.GetAsync(url);
        return (response.StatusCode, response.RequestMessage!.RequestUri!, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/huduma?page=abc")]
    [InlineData("/huduma?page=0")]
    [InlineData("/huduma?page=-3")]
    public async Task A_page_number_that_is_not_one_shows_the_first_page(string url)
    {
        var (status, address, html) = await FollowAsync(url);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("/huduma", address.PathAndQuery);
        Assert.Contains("href=\"/huduma/", html, StringComparison.Ordinal);
        Assert.DoesNotContain("field-error", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/huduma?page=9999", "/huduma?page=")]
    [InlineData("/huduma?page=99999999999", "/huduma?page=")]
    [InlineData("/huduma?q=cheti&page=400", "/huduma?q=cheti")]
    [InlineData("/huduma?category=kodi&page=77", "/huduma?category=kodi")]
    public async Task A_page_past_the_end_shows_the_last_page(string url, string expectedStart)
    {
        var (status, address, html) = await FollowAsync(url);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith(expectedStart, address.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("href=\"/huduma/", html, StringComparison.Ordinal);
        Assert.DoesNotContain("rel=\"next\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Counts_say_one_service_and_two_services()
    {
        var (_, english) = await GetAsync("/taasisi?lang=en");
        Assert.Contains(">1 service<", english, StringComparison.Ordinal);
        Assert.Contains(" services<", english, StringComparison.Ordinal);
        Assert.DoesNotContain(">1 services<", english, StringComparison.Ordinal);

        var (_, kiswahili) = await GetAsync("/taasisi?lang=sw");
        Assert.Contains(">Huduma 1<", kiswahili, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_office_service_says_where_when_and_how_to_reach_the_office()
    {
        var (status, html) = await GetAsync("/huduma/polisi-clearance-certificate");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Kufika ofisini", html, StringComparison.Ordinal);
        Assert.Contains("Mkuu wa Upelelezi wa Mkoa (RCO)", html, StringComparison.Ordinal);
        Assert.Contains("Jumatatu hadi Ijumaa", html, StringComparison.Ordinal);
        // No phone number is known for this office: the portal's helpdesk, never a blank.
        Assert.Contains("piga dawati la msaada la lango", html, StringComparison.Ordinal);
        Assert.Contains("href=\"tel:0800110000\"", html, StringComparison.Ordinal);

        var (_, online) = await GetAsync("/huduma/brela-business-name");
        Assert.DoesNotContain("Kufika ofisini", online, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_agency_page_gives_its_office_address_hours_and_phone()
    {
        await PageShowingAsync("/taasisi/tra?lang=en",
            "The TRA office in your region or district",
            "Monday to Friday, 07:30 to 15:30",
            "<a href=\"tel:0800750075\">0800 750 075</a>");
    }

    [Fact]
    public async Task The_police_clearance_certificate_is_the_criminal_investigations_not_the_traffic_police()
    {
        var (_, agency) = await GetAsync("/taasisi/polisi?lang=en");
        Assert.Contains("<h1>Tanzania Police Force</h1>", agency, StringComparison.Ordinal);
        Assert.DoesNotContain("Traffic Police</h1>", agency, StringComparison.Ordinal);

        var (_, service) = await GetAsync("/huduma/polisi-clearance-certificate?lang=en");
        Assert.Contains("Directorate of Criminal Investigations (DCI)", service, StringComparison.Ordinal);
    }
}
