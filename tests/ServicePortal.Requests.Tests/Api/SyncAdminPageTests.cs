using System.Net;

namespace ServicePortal.Requests.Tests.Api;

/// <summary>The administrator's page of agency sync states.</summary>
public sealed class SyncAdminPageTests(RequestsPortalFactory portal) : IClassFixture<RequestsPortalFactory>
{
    [Fact]
    public async Task An_administrator_sees_each_agencys_sync_and_a_citizen_is_refused()
    {
        var (adminNin, adminPhone) = await portal.CreateAccountAsync();
        await portal.ExecuteAsync(
            "INSERT INTO identity.account_roles (account_id, role) SELECT id, 'administrator' FROM identity.accounts WHERE nin = @nin",
            new { nin = adminNin.Replace("-", "", StringComparison.Ordinal) });
        await portal.ExecuteAsync(
            """
            INSERT INTO requests.agency_sync (agency, last_attempt_at, last_error, consecutive_failures, circuit_open_until)
            VALUES ('brela', now(), 'the agency answered 503 <b>', 4, now() + interval '10 minutes')
            ON CONFLICT (agency) DO UPDATE SET last_error = excluded.last_error, consecutive_failures = 4,
                circuit_open_until = excluded.circuit_open_until
            """);
        using var admin = new FormClient(portal.Client());
        await portal.SignInAsync(admin, adminNin, adminPhone);
        var (citizenNin, citizenPhone) = await portal.CreateAccountAsync();
        using var citizen = new FormClient(portal.Client());
        await portal.SignInAsync(citizen, citizenNin, citizenPhone);

        var page = await admin.GetAsync("/admin/requests/sync");
        var refused = await citizen.GetAsync("/admin/requests/sync");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Usawazishaji wa hali na taasisi", admin.LastPage, StringComparison.Ordinal);
        Assert.Contains("brela", admin.LastPage, StringComparison.Ordinal);
        Assert.Contains("Umefunguliwa hadi", admin.LastPage, StringComparison.Ordinal);
        Assert.Contains("the agency answered 503 &lt;b&gt;", admin.LastPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }
}
