using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ServicePortal.Requests.Tests.EndToEnd;

/// <summary>
/// Apply, the agency down, the agency back, updates pulled by the sync job and pushed by the agency, the
/// citizen told at each step: with the demo agencies as real HTTP services and Hangfire running the jobs.
/// </summary>
public sealed class ApplyAndFollowTests(RequestsPortalFactory portal) : IClassFixture<RequestsPortalFactory>
{
    [Fact]
    public async Task An_application_waits_queued_while_the_agency_is_down_then_goes_and_is_followed_to_the_end()
    {
        using var control = portal.AgencyControl("rita");
        (await control.PostAsJsonAsync("_demo/behaviour", new { mode = "fail" })).EnsureSuccessStatusCode();
        var (_, phone, api) = await portal.CitizenAppAsync();

        var created = await api.PostAsJsonAsync("/api/me/requests", new
        {
            serviceCode = "rita-birth-certificate",
            answers = new
            {
                childName = "Neema Baraka Mollel",
                dateOfBirth = "2026-10-01",
                placeOfBirth = "Hospitali ya Mount Meru, Arusha",
                sex = "female",
                motherName = "Rehema Mollel",
            },
        });
        var reference = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reference").GetString()!;
        var queued = await WaitForAsync(() => portal.ScalarAsync<bool>(
            "SELECT last_error IS NOT NULL AND status = 'queued' FROM requests.requests WHERE reference = @reference", new { reference }), 120);
        (await control.PostAsJsonAsync("_demo/behaviour", new { mode = "normal" })).EnsureSuccessStatusCode();
        var submitted = await WaitForAsync(() => portal.ScalarAsync<bool>(
            "SELECT status <> 'queued' FROM requests.requests WHERE reference = @reference", new { reference }), 180);
        var finished = await WaitForAsync(() => portal.ScalarAsync<bool>(
            "SELECT status IN ('completed', 'rejected') FROM requests.requests WHERE reference = @reference", new { reference }), 240);
        var detail = await api.GetFromJsonAsync<JsonElement>($"/api/me/requests/{reference}");
        var timeline = detail.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("to").GetString()).ToList();
        var notices = await portal.ScalarAsync<long>(
            "SELECT count(*) FROM portal.outbox_messages WHERE recipient = @phone AND purpose = 'request_status'", new { phone });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(queued, "the request did not wait queued while the agency failed");
        Assert.True(submitted, "the request was not submitted once the agency was back");
        Assert.True(finished, "the request did not reach the end of its lifecycle by pulled updates");
        Assert.Equal("queued", timeline[0]);
        Assert.Contains("submitted", timeline);
        Assert.Single(timeline, status => status == "submitted"); // the agency's "received" is the submission's own line
        // queued, submitted, then whatever the sync saw (a step may pass between two passes unseen: a rejection on review
        // can read queued → submitted → rejected), ending where the agency ended.
        Assert.True(timeline.Count >= 3, string.Join(" → ", timeline));
        Assert.Equal(detail.GetProperty("status").GetString(), timeline[^1]);
        Assert.StartsWith("RITA-", detail.GetProperty("agencyReference").GetString(), StringComparison.Ordinal);
        // One notice per move the portal saw: at least "sent" and the end (the sync may see steps in between or not).
        var moves = await portal.ScalarAsync<long>(
            "SELECT count(*) FROM requests.events e JOIN requests.requests r ON r.id = e.request_id WHERE r.reference = @reference AND e.status_from IS DISTINCT FROM e.status_to AND e.kind IN ('submitted', 'status')",
            new { reference });
        Assert.True(notices >= 2, $"only {notices} notices");
        Assert.Equal(moves, notices);
        Assert.Equal(1, await portal.ScalarAsync<long>(
            "SELECT count(*) FROM requests.events e JOIN requests.requests r ON r.id = e.request_id WHERE r.reference = @reference AND e.kind = 'submitted'",
            new { reference }));
    }

    [Fact]
    public async Task Malformed_agency_answers_are_recorded_as_errors_and_change_nothing()
    {
        using var control = portal.AgencyControl("tra");
        var (nin, _) = await portal.CreateAccountAsync();
        var (reference, _) = await portal.SubmittedRequestAsync(nin, "tra", "tra-tin");
        var errorsBefore = await portal.ScalarAsync<long>("SELECT count(*) FROM requests.agency_errors WHERE agency = 'tra'");

        (await control.PostAsJsonAsync("_demo/behaviour", new { mode = "malformed" })).EnsureSuccessStatusCode();
        var recorded = await WaitForAsync(async () =>
            await portal.ScalarAsync<long>("SELECT count(*) FROM requests.agency_errors WHERE agency = 'tra'") >= errorsBefore + 3, 180);
        (await control.PostAsJsonAsync("_demo/behaviour", new { mode = "normal" })).EnsureSuccessStatusCode();

        Assert.True(recorded, "malformed answers were not recorded");
        Assert.Equal("submitted", await portal.ScalarAsync<string>("SELECT status FROM requests.requests WHERE reference = @reference", new { reference }));
        Assert.Equal(0, await portal.ScalarAsync<long>(
            "SELECT count(*) FROM requests.events e JOIN requests.requests r ON r.id = e.request_id WHERE r.reference = @reference AND e.kind = 'status'",
            new { reference }));
    }

    [Fact]
    public async Task An_agency_reference_given_again_is_recorded_as_an_error_and_the_request_waits_queued()
    {
        var (_, _, api) = await portal.CitizenAppAsync();
        async Task<string> ApplyAsync(string name)
        {
            var created = await api.PostAsJsonAsync("/api/me/requests", new
            {
                serviceCode = "brela-business-name",
                answers = new { proposedName = name, natureOfBusiness = "Uuzaji wa vifaa vya kilimo", region = "Arusha", district = "Meru" },
            });
            return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reference").GetString()!;
        }

        var first = await ApplyAsync("Mollel Agro Supplies");
        var sent = await WaitForAsync(() => portal.ScalarAsync<bool>(
            "SELECT agency_reference IS NOT NULL FROM requests.requests WHERE reference = @first", new { first }), 120);
        // As if brela's counter had been reset: the reference it gives next is already this request's.
        var given = await portal.ScalarAsync<string>("SELECT agency_reference FROM requests.requests WHERE reference = @first", new { first });
        var number = long.Parse(given.Split('-')[2], System.Globalization.CultureInfo.InvariantCulture);
        var next = $"{given[..given.LastIndexOf('-')]}-{number + 1:D6}";
        await portal.ExecuteAsync("UPDATE requests.requests SET agency_reference = @next WHERE reference = @first", new { next, first });
        var second = await ApplyAsync("Meru Fresh Produce");
        var recorded = await WaitForAsync(() => portal.ScalarAsync<bool>(
            "SELECT last_error IS NOT NULL FROM requests.requests WHERE reference = @second", new { second }), 120);

        Assert.True(sent, "the first application was not sent");
        Assert.True(recorded, "the clash was not recorded on the request");
        Assert.Equal("queued", await portal.ScalarAsync<string>("SELECT status FROM requests.requests WHERE reference = @second", new { second }));
        Assert.Equal(next, await portal.ScalarAsync<string>("SELECT agency_reference FROM requests.requests WHERE reference = @first", new { first }));
        Assert.True(await portal.ScalarAsync<long>( // once per try: it is sent again with backoff
            "SELECT count(*) FROM requests.agency_errors WHERE agency = 'brela' AND source = 'submit' AND agency_reference = @next", new { next }) >= 1);
    }

    // Generous limits: a busy machine slows the jobs down, and a limit only costs time when something is wrong.
    private static async Task<bool> WaitForAsync(Func<Task<bool>> condition, int seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(500);
        }

        return false;
    }
}
