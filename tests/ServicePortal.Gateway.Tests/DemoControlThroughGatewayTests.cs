using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.DemoAgencies;
using ServicePortal.DemoAgencies.Applications;

namespace ServicePortal.Gateway.Tests;

/// <summary>
/// A demo agency's test controls (<c>/_demo</c>) are not reachable through the gateway: the gateway itself calls
/// from loopback, so "only from the machine" is no credential. A citizen can neither break rita for everyone nor
/// read another citizen's application.
/// </summary>
public sealed class DemoControlThroughGatewayTests(GatewayPortalFactory portal) : IClassFixture<GatewayPortalFactory>
{
    [Fact]
    public async Task The_demo_control_and_data_endpoints_answer_404_through_the_gateway_and_change_nothing()
    {
        await using var rita = DemoAgencyHost.Build(DemoAgency.Get("rita"), "http://127.0.0.1:0",
            configure: b => b.Configuration["DemoAgencies:PortalUrl"] = portal.Address.ToString());
        await rita.StartAsync();
        await portal.AddAgencyAsync("applications", [DemoAgencyHost.BaseAddress(rita)], code: "rita");
        await portal.RoutesCaughtUpAsync();
        using var applicant = await portal.SignedInBrowserAsync();
        using var attacker = await portal.SignedInBrowserAsync();
        var agencyReference = await ApplyAsync(applicant, "SP-DEMOCTRL1");

        using var behaviour = await attacker.Http.PostAsJsonAsync("/agencies/rita/applications/_demo/behaviour", new { mode = "fail" });
        using var others = await attacker.Http.GetAsync($"/agencies/rita/applications/_demo/applications/{agencyReference}");
        var othersBody = await others.Content.ReadAsStringAsync();

        Assert.True(behaviour.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized,
            $"changing the demo behaviour answered {(int)behaviour.StatusCode}");
        Assert.Equal(DemoMode.Normal, rita.Services.GetRequiredService<DemoBehaviour>().Current.Mode);
        Assert.True(others.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized,
            $"reading another citizen's application answered {(int)others.StatusCode}: {othersBody}");
        Assert.DoesNotContain("Neema", othersBody, StringComparison.Ordinal);
        await ApplyAsync(applicant, "SP-DEMOCTRL2"); // rita still takes applications
    }

    /// <summary>A birth-certificate application straight to rita's submit path through the gateway; its agency reference.</summary>
    private static async Task<string> ApplyAsync(FormClient citizen, string reference)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/agencies/rita/applications/applications/birth-certificate")
        {
            Content = JsonContent.Create(new
            {
                service = "rita-birth-certificate",
                reference,
                answers = new
                {
                    childName = "Neema Baraka Mollel",
                    dateOfBirth = "2026-10-01",
                    placeOfBirth = "Hospitali ya Mount Meru, Arusha",
                    sex = "female",
                    motherName = "Rehema Mollel",
                },
            }),
        };
        request.Headers.Add("Idempotency-Key", reference);
        request.Headers.Accept.ParseAdd("application/json");
        using var answer = await citizen.Http.SendAsync(request);
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.Created, $"{(int)answer.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("agencyReference").GetString()!;
    }
}
