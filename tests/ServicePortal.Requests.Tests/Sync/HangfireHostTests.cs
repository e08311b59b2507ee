using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace ServicePortal.Requests.Tests.Sync;

/// <summary>
/// Hangfire keeps its storage, activator and log provider in process-wide statics. Several portal hosts share the
/// test process (and could share any process that hosts two portals): each must keep its own jobs on its own
/// database, and one host stopping must not stop the jobs of another.
/// </summary>
public sealed class HangfireHostTests
{
    [Fact]
    public async Task A_host_keeps_its_own_job_storage_and_its_jobs_run_after_another_host_in_the_process_stops()
    {
        await using var portal = new PortalFactory().With("Requests:RunJobs", "true");
        await portal.InitializeAsync();
        _ = portal.Services.GetRequiredService<IBackgroundJobClient>();

        var other = new PortalFactory().With("Requests:RunJobs", "true");
        await other.InitializeAsync();
        var otherStorage = other.Services.GetRequiredService<JobStorage>();
        _ = other.Services.GetRequiredService<IBackgroundJobClient>(); // the last host configured: Hangfire's statics are its
        await other.DisposeAsync();

        var storage = portal.Services.GetRequiredService<JobStorage>();
        var (nin, _) = await portal.CreateAccountAsync();
        var reference = ServicePortal.Requests.Applications.PortalReference.New().Value;
        await portal.ExecuteAsync(
            """
            INSERT INTO requests.requests (reference, account_id, service_code, agency, answers, status, idempotency_key, acr,
                                           submit_path, status_path, next_attempt_at)
            SELECT @reference, id, 'rita-birth-certificate', 'rita', '{}', 'queued', @reference, 'urn:serviceportal:loa:substantial',
                   '/applications/birth', '/applications/status', now()
            FROM identity.accounts WHERE nin = @digits
            """, new { reference, digits = nin.Replace("-", "", StringComparison.Ordinal) });

        // The submission sweep runs every 15 seconds: it tries the request (rita is not running here, so it records why).
        var tried = false;
        for (var deadline = DateTime.UtcNow.AddSeconds(120); !tried && DateTime.UtcNow < deadline; await Task.Delay(500))
        {
            tried = await portal.ScalarAsync<bool>(
                "SELECT submit_attempts > 0 OR status <> 'queued' FROM requests.requests WHERE reference = @reference", new { reference });
        }

        Assert.NotSame(otherStorage, storage);
        Assert.True(tried, "the host's submission job did not run after another host in the process stopped");
    }
}
