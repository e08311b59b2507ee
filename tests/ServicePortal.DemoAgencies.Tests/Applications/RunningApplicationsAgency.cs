using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.DemoAgencies.Applications;
using ServicePortal.DemoAgencies.Tests.PortalIdentity;

namespace ServicePortal.DemoAgencies.Tests.Applications;

/// <summary>
/// One demo agency on a loopback port, trusting a stand-in portal, with a clock the test moves and a lifecycle step
/// of an hour (so the real seconds a test takes never move an application on by themselves).
/// </summary>
internal sealed class RunningApplicationsAgency : IAsyncDisposable
{
    public static readonly TimeSpan Step = TimeSpan.FromHours(1);

    private readonly WebApplication _app;
    private readonly FakePortal _portal;
    private readonly PortalKey _key;

    private RunningApplicationsAgency(string code, WebApplication app, FakePortal portal, PortalKey key, MovableClock clock)
    {
        Code = code;
        _app = app;
        _portal = portal;
        _key = key;
        Clock = clock;
        Client = new HttpClient { BaseAddress = DemoAgencyHost.BaseAddress(app) };
        Control = DemoAgencyHost.ControlClient(app);
    }

    public string Code { get; }

    public HttpClient Client { get; }

    /// <summary>A client of the agency's test controls (<c>/_demo</c>), with this run's control token.</summary>
    public HttpClient Control { get; }

    public MovableClock Clock { get; }

    public ApplicationCatalogue Catalogue => DemoAgency.Get(Code).Applications!;

    public ApplicationRegistry Registry => _app.Services.GetRequiredService<ApplicationRegistry>();

    /// <summary>Starts the agency; with <paramref name="clock"/> (say, one moved on), on that clock instead of a new one.</summary>
    public static async Task<RunningApplicationsAgency> StartAsync(string code, MovableClock? clock = null)
    {
        var portal = await FakePortal.StartAsync();
        var key = portal.Publish();
        clock ??= new MovableClock();
        var app = DemoAgencyHost.Build(DemoAgency.Get(code), "http://127.0.0.1:0", configure: builder =>
        {
            builder.Configuration["DemoAgencies:PortalUrl"] = portal.Url.ToString();
            builder.Configuration["DemoAgencies:LifecycleStep"] = Step.ToString();
            builder.Services.AddSingleton<TimeProvider>(clock);
        });
        await app.StartAsync();
        return new RunningApplicationsAgency(code, app, portal, key, clock);
    }

    /// <summary>A citizen's assertion for this agency (another citizen with <paramref name="subject"/>).</summary>
    public string CitizenAssertion(string? subject = null) =>
        FakePortal.Mint(_key, new Assertion(Code, Subject: subject), _portal.Issuer);

    /// <summary>The portal's own assertion for this agency.</summary>
    public string ServiceAssertion(ServiceAssertion? assertion = null) =>
        FakePortal.Mint(_key, assertion ?? new ServiceAssertion(Code), _portal.Issuer);

    public ApplicationService Service(string code) => Catalogue.Services.Single(service => service.Code == code);

    /// <summary>A body the agency accepts for <paramref name="service"/>: every required answer given.</summary>
    public static object ValidBody(ApplicationService service, string reference) => new
    {
        service = service.Code,
        reference,
        answers = service.RequiredAnswers.ToDictionary(field => field, object (field) => field switch
        {
            "directors" => new[] { new { name = "Amina Hassan Mwakyusa", nin = "19900415-11111-00001-23" } },
            "shareCapitalTzs" => 1_000_000,
            "dateOfBirth" or "dateOfDeath" => "2026-10-01",
            "sex" => "female",
            "tin" => "123-456-789",
            _ => "Demo " + field,
        }),
    };

    public Task<HttpResponseMessage> SubmitAsync(string serviceCode, string reference, string? idempotencyKey = null,
        string? assertion = null) =>
        SubmitAsync(Service(serviceCode).SubmitPath, JsonContent.Create(ValidBody(Service(serviceCode), reference)),
            idempotencyKey ?? "req-" + reference, assertion ?? CitizenAssertion());

    public async Task<HttpResponseMessage> SubmitAsync(string path, HttpContent content, string? idempotencyKey, string? assertion)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/')) { Content = content };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        if (assertion is not null)
        {
            request.Headers.Add("Portal-Identity", assertion);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>Submits and answers the status item (asserting it was created).</summary>
    public async Task<JsonElement> SubmitItemAsync(string serviceCode, string reference)
    {
        using var response = await SubmitAsync(serviceCode, reference);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<HttpResponseMessage> StatusAsync(IEnumerable<string> references, string? assertion = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Catalogue.StatusPath.TrimStart('/'))
        {
            Content = JsonContent.Create(new { references }),
        };
        request.Headers.Add("Portal-Identity", assertion ?? ServiceAssertion());
        return await Client.SendAsync(request);
    }

    /// <summary>The status item of one application now, through batch status.</summary>
    public async Task<JsonElement> StatusOfAsync(string agencyReference)
    {
        using var response = await StatusAsync([agencyReference]);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("items")[0];
    }

    public async Task SetBehaviourAsync(string mode, int delayMs = 0)
    {
        using var response = await Control.PostAsJsonAsync("_demo/behaviour", new { mode, delayMs });
        response.EnsureSuccessStatusCode();
    }

    public static StringContent Json(string json, string mediaType = "application/json") => new(json, Encoding.UTF8, mediaType);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Control.Dispose();
        await _app.DisposeAsync();
        await _portal.DisposeAsync();
        _key.Dispose();
    }
}
