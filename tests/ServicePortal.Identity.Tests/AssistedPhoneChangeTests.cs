using System.Net;
using static ServicePortal.Identity.Tests.RegistrationSteps;

namespace ServicePortal.Identity.Tests;

public sealed class PhoneChangePortalFactory : RegistryPortalFactory;

/// <summary>
/// A lost phone, changed by the helpdesk with the demo national ID registry: the citizen answers the registry's
/// question to the agent, the new number is one the registry holds for the NIN, and another supervisor approves; the
/// old (registered) phone is texted.
/// </summary>
public sealed class AssistedPhoneChangeTests(PhoneChangePortalFactory portal) : IClassFixture<PhoneChangePortalFactory>
{
    [Fact]
    public async Task A_lost_phone_is_changed_to_a_registry_number_after_the_question_and_another_supervisors_approval()
    {
        var amina = Person("Amina");
        await portal.ExecuteAsync(
            """
            INSERT INTO identity.accounts (nin, first_name, middle_name, last_name, date_of_birth, phone, password_hash, language)
            VALUES (@nin, 'Amina', 'Hassan', 'Mwakyusa', DATE '1990-04-15', '+255700000001', 'x', 'sw')
            """, new { nin = amina.Nin.Replace("-", "", StringComparison.Ordinal) });
        var citizenId = await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE phone = '+255700000001'");
        var (agent, _) = await StaffAsync("helpdesk_agent");
        var (supervisor, supervisorId) = await StaffAsync("helpdesk_supervisor");

        var opened = await agent.SubmitAsync("/helpdesk/akaunti", new Dictionary<string, string?> { ["Nin"] = amina.Nin, ["Reason"] = "Simu imeibiwa, tiketi T-9" });
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        var caseUrl = opened.Headers.Location!.OriginalString;

        // Without the registry's answer, no new number can be asked for.
        var early = await agent.SubmitAsync(caseUrl + "?handler=Ask", new Dictionary<string, string?> { ["Kind"] = "phone", ["PhoneIndex"] = "1" }, caseUrl);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);

        var asked = await agent.SubmitAsync(caseUrl + "?handler=Question", new Dictionary<string, string?>(), caseUrl);
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var answered = await agent.SubmitLoadedFormAsync(caseUrl + "?handler=Answer",
            new Dictionary<string, string?> { ["Answer"] = AnswerTo(agent.LastPage, amina) });
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync(caseUrl + "?done=verified")).StatusCode);
        Assert.Contains("+255 7** *** 011", WebUtility.HtmlDecode(agent.LastPage), StringComparison.Ordinal);

        var change = await agent.SubmitLoadedFormAsync(caseUrl + "?handler=Ask", new Dictionary<string, string?> { ["Kind"] = "phone", ["PhoneIndex"] = "1" });
        Assert.Equal(HttpStatusCode.Redirect, change.StatusCode);
        Assert.Equal("+255700000001", await portal.ScalarAsync<string>("SELECT phone FROM identity.accounts WHERE id = @citizenId", new { citizenId }));

        var approved = await supervisor.SubmitAsync(caseUrl + "?handler=Decide", new Dictionary<string, string?> { ["Approve"] = "true" }, caseUrl);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);

        Assert.Equal("+255700000011", await portal.ScalarAsync<string>("SELECT phone FROM identity.accounts WHERE id = @citizenId", new { citizenId }));
        Assert.Equal(1, await portal.CountAsync(
            "SELECT count(*) FROM portal.outbox_messages WHERE recipient = '+255700000001' AND purpose = 'identity.security_change'"));
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM portal.outbox_messages WHERE recipient = '+255700000011'"));
        Assert.Equal(1, await portal.CountAsync(
            "SELECT count(*) FROM portal.access_log WHERE citizen_account_id = @citizenId AND staff_account_id = @supervisorId AND subject LIKE '%phone changed%'",
            new { citizenId, supervisorId }));
        Assert.True(await portal.CountAsync(
            "SELECT count(*) FROM portal.access_log WHERE citizen_account_id = @citizenId AND action = 'recovery' AND subject LIKE '%registry%'", new { citizenId }) >= 2);
    }

    private async Task<(FormClient Browser, Guid Id)> StaffAsync(string role)
    {
        var (nin, phone) = await portal.CreateAccountAsync();
        var id = await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });
        await portal.ExecuteAsync("INSERT INTO identity.account_roles (account_id, role) VALUES (@id, @role)", new { id, role });
        var browser = portal.CreateFormClient();
        await portal.SignInAsync(browser, nin, phone);
        return (browser, id);
    }
}
