using System.Net;

namespace ServicePortal.Identity.Tests;

/// <summary>
/// Assisted recovery by the helpdesk (issue 12): four eyes on a change of phone or factors, a case seen by the one who
/// opened it (and supervisors once a change is asked), and every step in the access log with an SMS to the registered
/// phone, in the step's transaction.
/// </summary>
public sealed class AssistedRecoveryTests(IdentityPortalFactory portal) : IClassFixture<IdentityPortalFactory>
{
    [Fact]
    public async Task The_one_who_asks_cannot_approve_another_supervisor_does_and_the_factors_are_reset_logged_and_texted()
    {
        var (citizenNin, citizenPhone, citizenId) = await CitizenWithAppAndPasskeyAsync();
        var (asker, askerId) = await StaffAsync("helpdesk_agent", "helpdesk_supervisor");
        var (other, otherId) = await StaffAsync("helpdesk_supervisor");

        var caseUrl = await OpenCaseAsync(asker, citizenNin, "Mwananchi amepoteza simu yenye programu, tiketi T-1");
        var asked = await asker.SubmitAsync(caseUrl + "?handler=Ask", new Dictionary<string, string?> { ["Kind"] = "factors" }, caseUrl);
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);

        // The asker, a supervisor too, is refused: nothing changes.
        var self = await asker.SubmitAsync(caseUrl + "?handler=Decide", new Dictionary<string, string?> { ["Approve"] = "true" }, caseUrl);
        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
        Assert.Contains("Uliomba badiliko hili, kwa hiyo huwezi kuliamua", asker.LastPage, StringComparison.Ordinal);
        Assert.Equal("totp", await portal.ScalarAsync<string>("SELECT second_factor FROM identity.accounts WHERE id = @citizenId", new { citizenId }));
        Assert.Equal(1, await portal.CountAsync("SELECT count(*) FROM identity.passkeys WHERE account_id = @citizenId", new { citizenId }));

        // Another supervisor sees it waiting, and approves.
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/helpdesk/akaunti")).StatusCode);
        Assert.Contains(caseUrl, other.LastPage, StringComparison.Ordinal);
        var approved = await other.SubmitAsync(caseUrl + "?handler=Decide", new Dictionary<string, string?> { ["Approve"] = "true" }, caseUrl);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);

        Assert.Equal("sms", await portal.ScalarAsync<string>("SELECT second_factor FROM identity.accounts WHERE id = @citizenId", new { citizenId }));
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.passkeys WHERE account_id = @citizenId", new { citizenId }));
        Assert.Equal(otherId, await portal.ScalarAsync<Guid>("SELECT decided_by FROM identity.recovery_cases WHERE account_id = @citizenId", new { citizenId }));
        // Every step on record (opened, viewed, asked, decided), with the reason; the asker's and the approver's.
        Assert.True(await portal.CountAsync(
            "SELECT count(*) FROM portal.access_log WHERE citizen_account_id = @citizenId AND action = 'recovery' AND staff_account_id = @askerId AND reason LIKE 'Mwananchi amepoteza%'",
            new { citizenId, askerId }) >= 3);
        Assert.Equal(1, await portal.CountAsync(
            "SELECT count(*) FROM portal.access_log WHERE citizen_account_id = @citizenId AND action = 'recovery' AND staff_account_id = @otherId AND subject LIKE '%factors reset%'",
            new { citizenId, otherId }));
        // Texted to the registered phone: when asked, and when made.
        Assert.Equal(1, await portal.CountAsync(
            "SELECT count(*) FROM portal.outbox_messages WHERE recipient = @citizenPhone AND purpose = 'identity.recovery' AND body LIKE '%limeomba kuondoa programu%'", new { citizenPhone }));
        Assert.Equal(1, await portal.CountAsync(
            "SELECT count(*) FROM portal.outbox_messages WHERE recipient = @citizenPhone AND purpose = 'identity.security_change'", new { citizenPhone }));
    }

    [Fact]
    public async Task An_agent_unlocks_a_locked_account_logged_and_texted()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        var citizenId = await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });
        using var stranger = portal.CreateFormClient();
        for (var i = 0; i < 6; i++)
        {
            await stranger.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = "si-nenosiri-lake-" + i });
        }

        Assert.Contains("kumesitishwa", stranger.LastPage, StringComparison.Ordinal);
        var (agent, agentId) = await StaffAsync("helpdesk_agent");
        var caseUrl = await OpenCaseAsync(agent, nin, "Mwananchi amefungiwa, amepiga simu");
        Assert.Contains("imefungwa", agent.LastPage, StringComparison.Ordinal);

        var unlocked = await agent.SubmitAsync(caseUrl + "?handler=Unlock", new Dictionary<string, string?>(), caseUrl);
        Assert.Equal(HttpStatusCode.Redirect, unlocked.StatusCode);

        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.sign_in_locks WHERE locked_until > now()"
            + " AND nin_hash = sha256(convert_to('nin:' || @nin, 'UTF8'))", new { nin }));
        Assert.Equal(1, await portal.CountAsync(
            "SELECT count(*) FROM portal.access_log WHERE citizen_account_id = @citizenId AND staff_account_id = @agentId AND action = 'recovery' AND subject LIKE '%unlocked%'",
            new { citizenId, agentId }));
        Assert.Equal(1, await portal.CountAsync(
            "SELECT count(*) FROM portal.outbox_messages WHERE recipient = @phone AND purpose = 'identity.recovery' AND body LIKE '%imefunguliwa%'", new { phone }));
        using var owner = portal.CreateFormClient();
        var again = await owner.SubmitAsync("/account/sign-in", new Dictionary<string, string?> { ["Nin"] = nin, ["Password"] = "Mti-Mrefu-Wa-Mwembe" });
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
    }

    [Fact]
    public async Task Another_agents_case_is_not_found_a_citizen_is_forbidden_and_nobody_works_on_their_own_account()
    {
        var (citizenNin, _, _) = await CitizenWithAppAndPasskeyAsync();
        var (first, _) = await StaffAsync("helpdesk_agent");
        var (second, _) = await StaffAsync("helpdesk_agent");
        var caseUrl = await OpenCaseAsync(first, citizenNin, "Tiketi T-2");

        Assert.Equal(HttpStatusCode.NotFound, (await second.GetAsync(caseUrl)).StatusCode);
        var notMine = await second.SubmitAsync(caseUrl + "?handler=Ask", new Dictionary<string, string?> { ["Kind"] = "factors" }, "/helpdesk/akaunti");
        Assert.Equal(HttpStatusCode.NotFound, notMine.StatusCode);
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM identity.recovery_cases WHERE status <> 'open' AND reason = 'Tiketi T-2'"));

        var (citizenNin2, citizenPhone2) = await portal.CreateAccountAsync();
        using var citizen = portal.CreateFormClient();
        await portal.SignInAsync(citizen, citizenNin2, citizenPhone2);
        Assert.Equal(HttpStatusCode.Forbidden, (await citizen.GetAsync("/helpdesk/akaunti")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await citizen.GetAsync(caseUrl)).StatusCode);

        var (admin, _) = await StaffAsync("administrator");
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/helpdesk/akaunti")).StatusCode);

        var ownNin = await portal.ScalarAsync<string>(
            "SELECT a.nin FROM identity.accounts a WHERE a.id = (SELECT opened_by FROM identity.recovery_cases WHERE reason = 'Tiketi T-2')");
        var own = await first.SubmitAsync("/helpdesk/akaunti", new Dictionary<string, string?> { ["Nin"] = ownNin, ["Reason"] = "mimi mwenyewe" });
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains("Huwezi kushughulikia akaunti yako mwenyewe", first.LastPage, StringComparison.Ordinal);

        var blank = await first.SubmitAsync("/helpdesk/akaunti", new Dictionary<string, string?> { ["Nin"] = citizenNin, ["Reason"] = "   " });
        Assert.Equal(HttpStatusCode.OK, blank.StatusCode);
        Assert.Contains("Andika sababu", first.LastPage, StringComparison.Ordinal);
    }

    private async Task<string> OpenCaseAsync(FormClient staff, string nin, string reason)
    {
        var opened = await staff.SubmitAsync("/helpdesk/akaunti", new Dictionary<string, string?> { ["Nin"] = nin, ["Reason"] = reason });
        Assert.True(opened.StatusCode == HttpStatusCode.Redirect, staff.LastPage[..Math.Min(2000, staff.LastPage.Length)]);
        var caseUrl = opened.Headers.Location!.OriginalString;
        Assert.StartsWith("/helpdesk/akaunti/", caseUrl, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync(caseUrl)).StatusCode);
        return caseUrl;
    }

    private async Task<(FormClient Browser, Guid Id)> StaffAsync(params string[] roles)
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        var id = await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });
        foreach (var role in roles)
        {
            await portal.ExecuteAsync("INSERT INTO identity.account_roles (account_id, role) VALUES (@id, @role)", new { id, role });
        }

        var browser = portal.CreateFormClient();
        await portal.SignInAsync(browser, nin, phone);
        return (browser, id);
    }

    /// <summary>A citizen whose second factor is an app and who has a passkey (the factors a reset removes).</summary>
    private async Task<(string Nin, string Phone, Guid Id)> CitizenWithAppAndPasskeyAsync()
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        var id = await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });
        await portal.ExecuteAsync(
            """
            UPDATE identity.accounts SET second_factor = 'totp', totp_secret = 'protected-secret' WHERE id = @id;
            INSERT INTO identity.passkeys (credential_id, account_id, public_key, sign_count, user_handle, name, created_at)
            VALUES (decode(md5(random()::text), 'hex'), @id, '\x00'::bytea, 0, '\x00'::bytea, 'Simu', now());
            """, new { id });
        return (nin, phone, id);
    }
}
