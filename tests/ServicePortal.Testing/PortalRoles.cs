using System.Collections.Concurrent;

namespace ServicePortal.Testing;

/// <summary>
/// The people an authorization matrix asks about (issue 12): nobody signed in, a citizen, each staff role, and an
/// agency officer of two agencies. The names are the role claims the session carries (<c>agency_officer:rita</c>).
/// </summary>
public static class PortalRoles
{
    public const string Anonymous = "anonymous";
    public const string Citizen = "citizen";
    public const string HelpdeskAgent = "helpdesk_agent";
    public const string HelpdeskSupervisor = "helpdesk_supervisor";
    public const string RitaOfficer = "agency_officer:rita";
    public const string BrelaOfficer = "agency_officer:brela";
    public const string Administrator = "administrator";

    public static IReadOnlyList<string> All { get; } =
        [Anonymous, Citizen, HelpdeskAgent, HelpdeskSupervisor, RitaOfficer, BrelaOfficer, Administrator];

    /// <summary>
    /// Not a person: an agency's backend with a client-credentials token bound to <paramref name="agency"/> with
    /// <paramref name="scope"/> (for the agency APIs' rows of a matrix).
    /// </summary>
    public static string AgencySystem(string agency, string scope = "agency.requests") => $"agency_system:{agency}:{scope}";
}

/// <summary>One person of <see cref="PortalRoles"/>: their browser (signed in, except the anonymous one) and account.</summary>
public sealed record RoleSession(string Role, FormClient Browser, Guid? AccountId, string? Nin, string? Phone);

/// <summary>
/// One signed-in browser per role of <see cref="PortalRoles"/> on one portal, made on first use and kept (signing in
/// costs a code by SMS each time). Each person is a new account with that role (staff are citizens with roles, one
/// <c>identity.account_roles</c> row each, as the demo staff are seeded), signed in with password and SMS code.
/// Use one per class fixture; a table-driven test asks <see cref="AsAsync"/> for the role of each row.
/// </summary>
public sealed class RoleSessions(PortalFactory portal) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<RoleSession>>> _sessions = new(StringComparer.Ordinal);

    public Task<RoleSession> AsAsync(string role) =>
        _sessions.GetOrAdd(role, r => new Lazy<Task<RoleSession>>(() => SignInAsync(r))).Value;

    private async Task<RoleSession> SignInAsync(string role)
    {
        var browser = portal.CreateFormClient();
        if (role == PortalRoles.Anonymous)
        {
            return new RoleSession(role, browser, null, null, null);
        }

        if (role.StartsWith("agency_system:", StringComparison.Ordinal))
        {
            var parts = role.Split(':');
            var token = await AppTokens.AgencyAsync(portal, browser.Http, parts[1], parts[2]);
            browser.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return new RoleSession(role, browser, null, null, null);
        }

        var (nin, phone) = await portal.CreateAccountAsync();
        if (role != PortalRoles.Citizen)
        {
            var colon = role.IndexOf(':', StringComparison.Ordinal);
            await portal.ExecuteAsync(
                """
                INSERT INTO identity.account_roles (account_id, role, agency_code)
                SELECT id, @name, @agency FROM identity.accounts WHERE nin = @nin
                """, new { nin, name = colon < 0 ? role : role[..colon], agency = colon < 0 ? "" : role[(colon + 1)..] });
        }

        await portal.SignInAsync(browser, nin, phone);
        var id = await portal.ScalarAsync<Guid>("SELECT id FROM identity.accounts WHERE nin = @nin", new { nin });
        return new RoleSession(role, browser, id, nin, phone);
    }

    public void Dispose()
    {
        foreach (var session in _sessions.Values.Where(s => s.IsValueCreated && s.Value.IsCompletedSuccessfully))
        {
            session.Value.Result.Browser.Dispose();
        }
    }
}
