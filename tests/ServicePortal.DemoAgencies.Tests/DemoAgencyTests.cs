using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ServicePortal.DemoAgencies.Agencies.Nida;

namespace ServicePortal.DemoAgencies.Tests;

/// <summary>Each demo agency as a real HTTP service on a loopback port.</summary>
public sealed class DemoAgencyTests
{
    public static TheoryData<string> Codes => ["nida", "rita", "brela", "tra"];

    [Theory]
    [MemberData(nameof(Codes))]
    public async Task Each_agency_answers_health_and_names_itself(string code)
    {
        await using var app = DemoAgencyHost.Build(DemoAgency.Get(code), "http://127.0.0.1:0");
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = DemoAgencyHost.BaseAddress(app) };

        var health = await client.GetFromJsonAsync<JsonElement>("health");
        var info = await client.GetFromJsonAsync<JsonElement>("");

        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Equal(code, health.GetProperty("agency").GetString());
        Assert.Equal(code, info.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(info.GetProperty("nameSw").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(info.GetProperty("nameEn").GetString()));
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public async Task Whoami_refuses_a_caller_without_a_verifiable_identity(string code)
    {
        // A portal to trust, named here rather than read from an appsettings.json: the test's output folder holds
        // the portal host's too (whichever project copied last wins), and that one names none.
        await using var app = DemoAgencyHost.Build(DemoAgency.Get(code), "http://127.0.0.1:0",
            configure: builder => builder.Configuration["DemoAgencies:PortalUrl"] = "http://127.0.0.1:9/");
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = DemoAgencyHost.BaseAddress(app) };
        using var forged = new HttpRequestMessage(HttpMethod.Get, "whoami");
        forged.Headers.Add("Portal-Identity", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");

        var bare = await client.GetAsync("whoami");
        var withForgery = await client.SendAsync(forged);

        Assert.Equal(HttpStatusCode.Unauthorized, bare.StatusCode);
        Assert.Equal("application/problem+json", bare.Content.Headers.ContentType?.MediaType);
        Assert.Equal("urn:serviceportal:problem:identity-missing",
            (await bare.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, withForgery.StatusCode);
        Assert.Equal("urn:serviceportal:problem:identity-invalid",
            (await withForgery.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("19900415-11111-00001-23")]
    [InlineData("19900415111110000123")]
    [InlineData("19900415 11111 00001 23")]
    public void The_registry_finds_a_seeded_person_however_the_NIN_is_written(string nin)
    {
        var registry = new NidaRegistry(NidaRegistry.SeededPeople);

        var person = registry.Find(nin);

        Assert.NotNull(person);
        Assert.Equal("Amina", person.FirstName);
        Assert.Equal("+255700000001", person.Phones[0]);
    }

    [Fact]
    public void Every_seeded_NIN_starts_with_the_persons_date_of_birth()
    {
        Assert.All(NidaRegistry.SeededPeople, person =>
        {
            Assert.Matches(@"^\d{8}-\d{5}-\d{5}-\d{2}$", person.Nin);
            Assert.Equal(person.DateOfBirth.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), person.Nin[..8]);
        });
        Assert.Null(new NidaRegistry(NidaRegistry.SeededPeople).Find("20000101-00000-00000-00"));
    }

    private const string ControlToken = "control-token-of-this-test-run-0123456789";

    [Fact]
    public void Every_seeded_person_holds_one_to_three_demo_numbers_that_nobody_else_holds()
    {
        Assert.All(NidaRegistry.SeededPeople, person =>
        {
            Assert.InRange(person.Phones.Count, 1, 3);
            // The demo accounts of Development use the first one (+25570000000x, x the NIN's second group's digit).
            Assert.Equal("+25570000000" + person.Nin[9], person.Phones[0]);
            Assert.All(person.Phones, phone => Assert.Matches(@"^\+2557000000\d\d$", phone));
        });
        var all = NidaRegistry.SeededPeople.SelectMany(p => p.Phones).ToList();
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task The_runnable_app_starts_every_agency_on_its_configured_port_and_stops_on_request()
    {
        var ports = Enumerable.Range(0, 4).Select(_ => HostProcess.FreePort()).ToArray();
        var environment = new Dictionary<string, string>
        {
            ["DemoAgencies__nida"] = $"http://127.0.0.1:{ports[0]}",
            ["DemoAgencies__rita"] = $"http://127.0.0.1:{ports[1]}",
            ["DemoAgencies__brela"] = $"http://127.0.0.1:{ports[2]}",
            ["DemoAgencies__tra"] = $"http://127.0.0.1:{ports[3]}",
            ["DemoAgencies__ControlToken"] = ControlToken,
        };
        using var run = HostProcess.StartAsync("ServicePortal.DemoAgencies", [], environment);
        try
        {
            using var client = new HttpClient();
            foreach (var (port, code) in ports.Zip(new[] { "nida", "rita", "brela", "tra" }))
            {
                var health = await Eventually(() => client.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{port}/health"));
                Assert.Equal(code, health.GetProperty("agency").GetString());
            }

            // The test controls answer only with the run's control token.
            using var withoutToken = await client.PostAsJsonAsync($"http://127.0.0.1:{ports[1]}/_demo/behaviour", new { mode = "normal" });
            using var withToken = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{ports[1]}/_demo/behaviour")
            {
                Content = JsonContent.Create(new { mode = "normal" }),
            };
            withToken.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ControlToken);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, withoutToken.StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.SendAsync(withToken)).StatusCode);
        }
        finally
        {
            var result = await run.StopAsync();
            Assert.Equal(0, result.ExitCode);
        }
    }

    /// <summary>Tries until the agency (a process starting) answers at all.</summary>
    private static async Task<T> Eventually<T>(Func<Task<T>> attempt)
    {
        var (_, value) = await Testing.Eventually.ValueAsync(async () =>
        {
            try
            {
                return (true, await attempt());
            }
            catch (HttpRequestException)
            {
                return (false, default(T)!);
            }
        }, answer => answer.Item1, "the demo agency to answer");
        return value;
    }
}
