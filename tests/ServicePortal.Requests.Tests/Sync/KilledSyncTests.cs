using System.Net.Http.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Npgsql;
using ServicePortal.DemoAgencies;
using ServicePortal.DemoAgencies.Agencies.Bench;

namespace ServicePortal.Requests.Tests.Sync;

/// <summary>
/// The portal as its own process, killed (SIGKILL, no shutdown) in the middle of a status sync pass, then
/// started again: every update the agency reports is applied once, each with one timeline line and one notice.
/// The agency is a benchmark agency (it answers <c>under_review</c>, version 2, for any reference) made slow, so
/// that the kill falls between two batches of the same pass.
/// </summary>
public sealed class KilledSyncTests : IAsyncLifetime
{
    private const int Requests = 1_500; // three batches of 500
    private const string Agency = "bench-01";

    private TestDatabase _database = null!;
    private WebApplication _agency = null!;
    private readonly int _port = HostProcess.FreePort();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _agency = DemoAgencyHost.Build(new BenchAgency(1), "http://127.0.0.1:0", configure: b =>
        {
            b.Configuration["DemoAgencies:PortalUrl"] = $"http://127.0.0.1:{_port}/";
            b.Configuration["DemoAgencies:LifecycleStep"] = "01:00:00"; // under review for the whole test
        });
        await _agency.StartAsync();
        await SeedAsync(DemoAgencyHost.BaseAddress(_agency));
    }

    public async Task DisposeAsync()
    {
        await _agency.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_portal_killed_in_the_middle_of_a_sync_pass_loses_nothing_and_applies_nothing_twice_after_restart()
    {
        using var control = DemoAgencyHost.ControlClient(_agency);
        (await control.PostAsJsonAsync("_demo/behaviour", new { mode = "slow", delayMs = 4000 })).EnsureSuccessStatusCode();

        long appliedAtKill;
        using (var first = StartPortal())
        {
            // The first batch of the pass is applied; the second is at the (slow) agency: kill now.
            appliedAtKill = await WaitForAsync(async () => await StatusEventsAsync() is var n and >= 500 ? n : (long?)null, 180) ?? -1;
            first.Kill();
        }

        var appliedAfterKill = await StatusEventsAsync();
        (await control.PostAsJsonAsync("_demo/behaviour", new { mode = "normal" })).EnsureSuccessStatusCode();
        using var second = StartPortal();
        var caughtUp = await WaitForAsync(async () =>
            await ScalarAsync<long>("SELECT count(*) FROM requests.requests WHERE status = 'in_review'") == Requests ? true : (bool?)null, 180);
        await second.StopAsync();

        Assert.True(appliedAtKill is >= 500 and < Requests, $"the kill did not fall inside the pass ({appliedAtKill} applied)");
        Assert.Equal(0, appliedAfterKill % 500); // a batch commits whole or not at all
        Assert.True(caughtUp, "after the restart the sync did not bring every request up to date");
        Assert.Equal(Requests, await StatusEventsAsync()); // one timeline line per request: none lost, none twice
        Assert.Equal(0, await ScalarAsync<long>(
            "SELECT count(*) FROM (SELECT request_id FROM requests.events WHERE kind = 'status' GROUP BY request_id HAVING count(*) > 1) d"));
        Assert.Equal(Requests, await ScalarAsync<long>("SELECT count(*) FROM portal.outbox_messages WHERE purpose = 'request_status'"));
        Assert.Equal(Requests, await ScalarAsync<long>("SELECT count(*) FROM requests.requests WHERE agency_version = 2"));
    }

    private HostProcess.Running StartPortal() => HostProcess.StartAsync("ServicePortal.Host", [], new Dictionary<string, string>
    {
        ["ConnectionStrings__Portal"] = _database.ConnectionString,
        ["PORTAL_URLS"] = $"http://127.0.0.1:{_port}",
        ["Identity__AllowHttp"] = "true",
        // The bench agency is on loopback, over plain http: that one destination is listed.
        ["Gateway__AllowedPrivateDestinations"] = DemoAgencyHost.BaseAddress(_agency).Authority,
        ["Requests__SyncInterval"] = "00:00:05",
        ["Logging__LogLevel__Default"] = "Warning",
    });

    private Task<long> StatusEventsAsync() => ScalarAsync<long>("SELECT count(*) FROM requests.events WHERE kind = 'status'");

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        return await connection.ExecuteScalarAsync<T>(sql) ?? throw new InvalidOperationException(sql);
    }

    /// <summary>The agency in the catalogue with its endpoint, 50 citizens (a phone each, no e-mail), and the open requests.</summary>
    private async Task SeedAsync(Uri agencyAddress)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.ExecuteAsync(
            """
            INSERT INTO catalog.agencies (code, short_name, name_sw, name_en, status)
            VALUES (@agency, 'BENCH', 'Taasisi ya majaribio', 'Benchmark agency', 'approved');
            INSERT INTO catalog.agency_endpoints (agency_id, name, destinations, auth_requirement, status)
            SELECT id, 'applications', jsonb_build_array(jsonb_build_object('name', 'bench', 'address', @address::text)), 'citizen', 'approved'
            FROM catalog.agencies WHERE code = @agency;
            INSERT INTO identity.accounts (nin, first_name, last_name, date_of_birth, phone, language, password_hash)
            SELECT '1999' || lpad(i::text, 16, '0'), 'Majaribio', 'Mwananchi ' || i, DATE '1990-01-01', '+2557' || lpad(i::text, 8, '0'),
                   'sw', 'no password: a test account'
            FROM generate_series(1, 50) i;
            INSERT INTO requests.requests (reference, account_id, service_code, agency, answers, status, idempotency_key, acr,
                agency_reference, agency_status, agency_version, agency_updated_at, submit_path, status_path, submitted_at)
            SELECT 'SP-K' || lpad(g::text, 8, '0'), a.id, 'bench-01-permit', @agency, '{}', 'submitted', 'killed-' || g,
                   'urn:serviceportal:loa:substantial', 'BENCH-' || lpad(g::text, 9, '0'), 'received', 1, now() - interval '1 day',
                   '/applications/permit', '/applications/status', now() - interval '1 day'
            FROM generate_series(1, @count) g
            JOIN (SELECT id, row_number() OVER (ORDER BY nin) - 1 AS n FROM identity.accounts WHERE nin LIKE '1999%') a ON a.n = g % 50;
            """, new { agency = Agency, address = agencyAddress.ToString(), count = Requests });
    }

    private static async Task<T?> WaitForAsync<T>(Func<Task<T?>> probe, int seconds)
        where T : struct
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(100);
        }

        return null;
    }
}
