using System.Net;

namespace ServicePortal.Requests.Tests.Officers;

/// <summary>The portal of the matrix: a citizen with an application at rita and one at brela.</summary>
public sealed class MatrixPortalFactory : OfficerPortalFactory
{
    /// <summary>
    /// What a path's placeholders stand for: <c>{rita}</c>, <c>{brela}</c> (the citizen's applications), <c>{citizen}</c>
    /// (the citizen's account id).
    /// </summary>
    public Dictionary<string, string> Placeholders { get; } = new(StringComparer.Ordinal);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var citizen = await Sessions.AsAsync(PortalRoles.Citizen);
        Placeholders["{rita}"] = await ApplicationAsync(citizen.AccountId!.Value, "rita", "rita-birth-certificate", "completed");
        Placeholders["{brela}"] = await ApplicationAsync(citizen.AccountId!.Value, "brela", "brela-business-name");
        Placeholders["{citizen}"] = citizen.AccountId!.Value.ToString();
    }

    public string Resolve(string path) => Placeholders.Aggregate(path, (p, x) => p.Replace(x.Key, x.Value, StringComparison.Ordinal));
}

/// <summary>
/// Who may open what (issue 12): every page and endpoint of the agency officer's work, the helpdesk's, the citizen's
/// application page and who-viewed-my-data, and the administrator's requests pages, for every role, over HTTP on the real portal with real sign-ins. One table:
/// to add a module's pages (the helpdesk's), add rows. 302 is the way to sign in; 403 a signed-in person without the
/// role; 404 what exists but is not theirs to see (another agency's, another citizen's), exactly as what does not exist.
/// </summary>
public sealed class AuthorizationMatrixTests(MatrixPortalFactory portal) : IClassFixture<MatrixPortalFactory>
{
    /// <summary>
    /// Expected statuses in the order of <see cref="PortalRoles.All"/>: anonymous, citizen, helpdesk agent, helpdesk
    /// supervisor, rita officer, brela officer, administrator. <c>{rita}</c> is the citizen's completed application at
    /// rita, <c>{brela}</c> theirs at brela.
    /// </summary>
    private static readonly (string Path, string Expected)[] People =
    [
        ("/agency/requests", "302 403 403 403 200 200 403"),
        ("/agency/requests?status=completed&service=rita-birth-certificate&from=2026-01-01&to=2099-12-31&q=SP&late=1&page=2&errors=3", "302 403 403 403 200 200 403"),
        ("/agency/requests/{rita}", "302 403 403 403 200 404 403"),
        ("/agency/requests/{brela}", "302 403 403 403 404 200 403"),
        ("/agency/requests/SP-000000000", "302 403 403 403 404 404 403"),
        ("/agency/requests/not-a-reference", "302 403 403 403 404 404 403"),
        ("/admin/requests/sync", "302 403 403 403 403 403 200"),
        ("/admin/requests/ratings", "302 403 403 403 403 403 200"),
        ("/maombi/{rita}", "302 200 404 404 404 404 404"),
        ("/maombi/{brela}", "302 200 404 404 404 404 404"),
        // The helpdesk (its module and the identity module's assisted recovery), and the officers' escalated tickets.
        ("/helpdesk", "302 403 200 200 403 403 403"),
        ("/helpdesk/tafuta", "302 403 200 200 403 403 403"),
        ("/helpdesk/raia/{citizen}", "302 403 200 200 403 403 403"),
        ("/helpdesk/akaunti", "302 403 200 200 403 403 403"),
        ("/agency/tickets", "302 403 403 403 200 200 403"),
        // Everyone signed in is a citizen too: their own tickets and who viewed their own data.
        ("/msaada/tiketi", "302 200 200 200 200 200 200"),
        ("/account/access-log", "302 200 200 200 200 200 200"),
        // The agency API and the citizen's API take a bearer token only: no session, whoever's, opens them.
        ("/api/agency/requests", "401 401 401 401 401 401 401"),
        ("/api/agency/requests/{rita}", "401 401 401 401 401 401 401"),
        ("/api/agency/tickets", "401 401 401 401 401 401 401"),
        ("/api/me/access-log", "401 401 401 401 401 401 401"),
    ];

    /// <summary>Agencies' systems with client-credentials tokens (<see cref="PortalRoles.AgencySystem"/>).</summary>
    private static readonly (string Path, string Role, int Expected)[] Systems =
    [
        ("/api/agency/requests", PortalRoles.AgencySystem("rita"), 200),
        ("/api/agency/requests?status=completed&page=1&pageSize=10", PortalRoles.AgencySystem("rita"), 200),
        ("/api/agency/requests/{rita}", PortalRoles.AgencySystem("rita"), 200),
        ("/api/agency/requests/{brela}", PortalRoles.AgencySystem("rita"), 404),
        ("/api/agency/requests/{brela}", PortalRoles.AgencySystem("brela"), 200),
        ("/api/agency/requests/{rita}", PortalRoles.AgencySystem("brela"), 404),
        ("/api/agency/requests/SP-000000000", PortalRoles.AgencySystem("brela"), 404),
        ("/api/agency/requests", PortalRoles.AgencySystem("rita", "agency.manage"), 403),
        ("/api/agency/requests/{rita}", PortalRoles.AgencySystem("rita", "agency.manage"), 403),
        ("/api/agency/tickets", PortalRoles.AgencySystem("rita"), 200),
        ("/api/agency/tickets", PortalRoles.AgencySystem("brela"), 200),
        ("/api/agency/tickets", PortalRoles.AgencySystem("rita", "agency.manage"), 403),
    ];

    public static TheoryData<string, string, int> Matrix()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var (path, expected) in People)
        {
            var statuses = expected.Split(' ');
            Assert.Equal(PortalRoles.All.Count, statuses.Length);
            for (var i = 0; i < statuses.Length; i++)
            {
                data.Add(path, PortalRoles.All[i], int.Parse(statuses[i], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        foreach (var (path, role, expected) in Systems)
        {
            data.Add(path, role, expected);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_role_gets_the_expected_answer(string path, string role, int expected)
    {
        var session = await portal.Sessions.AsAsync(role);

        var response = await session.Browser.Http.GetAsync(portal.Resolve(path));

        Assert.True((int)response.StatusCode == expected, $"{role} GET {path}: {(int)response.StatusCode}, expected {expected}");
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            Assert.StartsWith("/account/sign-in", response.Headers.Location?.OriginalString.Replace("https://localhost", "", StringComparison.Ordinal),
                StringComparison.Ordinal);
        }
    }
}
