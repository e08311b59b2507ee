using System.Text.Json;
using ServicePortal.DemoAgencies.Applications;

namespace ServicePortal.DemoAgencies.Tests.Applications;

/// <summary>Applications move on by themselves, one status per step of the (test's) clock.</summary>
public sealed class LifecycleTests
{
    private static readonly TimeSpan Step = RunningApplicationsAgency.Step;

    [Fact]
    public async Task An_application_for_a_paid_service_advances_with_the_clock_through_payment_to_issued()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");
        var reference = ReferenceWith(correction: false, rejected: false);
        var submitted = await running.SubmitItemAsync("rita-birth-certificate", reference);
        var agencyReference = submitted.GetProperty("agencyReference").GetString()!;
        var receivedAt = submitted.GetProperty("updatedAt").GetDateTimeOffset();

        var seen = await FollowAsync(running, agencyReference, steps: 7);

        Assert.Equal(["received", "under_review", "payment_pending", "approved", "issued", "issued", "issued"],
            seen.Select(item => item.GetProperty("status").GetString()));
        Assert.Equal([1, 2, 3, 4, 5, 5, 5], seen.Select(item => item.GetProperty("version").GetInt32()));
        Assert.Equal([0, 1, 2, 3, 4, 4, 4],
            seen.Select(item => (int)((item.GetProperty("updatedAt").GetDateTimeOffset() - receivedAt) / Step)));
        Assert.Equal("Cheti chako cha kuzaliwa kiko tayari kuchukuliwa katika ofisi ya RITA ya wilaya.",
            seen[^1].GetProperty("message_sw").GetString());
        Assert.Equal("Your birth certificate is ready for collection at the RITA district office.",
            seen[^1].GetProperty("message_en").GetString());
    }

    [Fact]
    public async Task The_payment_step_carries_a_GePG_control_number_and_the_services_fee_and_only_that_step()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("tra");
        var submitted = await running.SubmitItemAsync("tra-vehicle-registration", ReferenceWith(correction: false, rejected: false));

        var seen = await FollowAsync(running, submitted.GetProperty("agencyReference").GetString()!, steps: 5);

        var paying = Assert.Single(seen, item => item.TryGetProperty("paymentControlNumber", out _));
        Assert.Equal("payment_pending", paying.GetProperty("status").GetString());
        Assert.Matches("^99[0-9]{10}$", paying.GetProperty("paymentControlNumber").GetString());
        Assert.Equal(410_000, paying.GetProperty("amountTzs").GetInt32());
        Assert.Contains("410,000", paying.GetProperty("message_en").GetString(), StringComparison.Ordinal);
        Assert.All(seen, item => Assert.Equal(item.TryGetProperty("paymentControlNumber", out _), item.TryGetProperty("amountTzs", out _)));
    }

    [Fact]
    public async Task An_application_for_a_free_service_never_waits_for_payment()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("tra");
        var submitted = await running.SubmitItemAsync("tra-tin-individual", ReferenceWith(correction: false, rejected: false));

        var seen = await FollowAsync(running, submitted.GetProperty("agencyReference").GetString()!, steps: 5);

        Assert.Equal(["received", "under_review", "approved", "issued", "issued"], seen.Select(item => item.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_correction_path_asks_for_one_field_then_returns_to_review_a_step_later()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("rita");
        var submitted = await running.SubmitItemAsync("rita-birth-certificate", ReferenceWith(correction: true, rejected: false));

        var seen = await FollowAsync(running, submitted.GetProperty("agencyReference").GetString()!, steps: 7);

        Assert.Equal(["received", "under_review", "needs_correction", "under_review", "payment_pending", "approved", "issued"],
            seen.Select(item => item.GetProperty("status").GetString()));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], seen.Select(item => item.GetProperty("version").GetInt32()));
        var correction = seen[2].GetProperty("correction");
        Assert.Equal("placeOfBirth", correction.GetProperty("field").GetString());
        Assert.False(string.IsNullOrWhiteSpace(correction.GetProperty("message_sw").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(correction.GetProperty("message_en").GetString()));
        Assert.Single(seen, item => item.TryGetProperty("correction", out _));
    }

    [Fact]
    public async Task A_rejected_application_stops_at_rejected_without_asking_for_payment()
    {
        await using var running = await RunningApplicationsAgency.StartAsync("brela");
        var submitted = await running.SubmitItemAsync("brela-business-name", ReferenceWith(correction: false, rejected: true));

        var seen = await FollowAsync(running, submitted.GetProperty("agencyReference").GetString()!, steps: 5);

        Assert.Equal(["received", "under_review", "rejected", "rejected", "rejected"], seen.Select(item => item.GetProperty("status").GetString()));
        Assert.Contains("BRELA", seen[2].GetProperty("message_en").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void About_a_fifth_of_applications_are_asked_for_a_correction_and_about_a_tenth_are_rejected()
    {
        var decisions = Enumerable.Range(0, 10_000).Select(i => ApplicationLifecycle.Decide($"SP-{i:D10}")).ToList();

        Assert.InRange(decisions.Count(d => d.Correction), 1_800, 2_200);
        Assert.InRange(decisions.Count(d => d.Rejected), 850, 1_150);
    }

    [Fact]
    public void The_path_is_decided_by_the_portal_reference_alone()
    {
        var references = Enumerable.Range(0, 200).Select(i => $"SP-REPEAT{i:D4}").ToList();

        var first = references.Select(reference => ApplicationLifecycle.PathFor(reference, paid: true)).ToList();
        var again = references.Select(reference => ApplicationLifecycle.PathFor(reference, paid: true)).ToList();

        Assert.Equal(first, again);
        Assert.Contains(first, path => path.Contains(ApplicationStatus.NeedsCorrection));
        Assert.Contains(first, path => path.Contains(ApplicationStatus.Rejected));
        Assert.Contains(first, path => path.Contains(ApplicationStatus.PaymentPending));
        Assert.All(first, path => Assert.Contains(path[^1], new[] { ApplicationStatus.Issued, ApplicationStatus.Rejected }));
    }

    [Fact]
    public async Task An_invalid_lifecycle_step_stops_the_agency_at_start_up()
    {
        await using var app = DemoAgencyHost.Build(DemoAgency.Get("rita"), "http://127.0.0.1:0",
            configure: builder => builder.Configuration["DemoAgencies:LifecycleStep"] = "-00:00:01");

        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("DemoAgencies:LifecycleStep", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>A portal reference whose application takes the path asked for.</summary>
    internal static string ReferenceWith(bool correction, bool rejected) =>
        Enumerable.Range(0, 10_000).Select(i => $"SP-PATH{i:D6}")
            .First(reference => ApplicationLifecycle.Decide(reference) == (correction, rejected));

    /// <summary>The status item now, then after each further step (half a step in, away from the boundaries).</summary>
    private static async Task<List<JsonElement>> FollowAsync(RunningApplicationsAgency running, string agencyReference, int steps)
    {
        var seen = new List<JsonElement> { await running.StatusOfAsync(agencyReference) };
        running.Clock.Advance(Step / 2);
        for (var i = 1; i < steps; i++)
        {
            running.Clock.Advance(Step);
            seen.Add(await running.StatusOfAsync(agencyReference));
        }

        return seen;
    }
}
