using Npgsql;
using ServicePortal.Core.Audit;
using ServicePortal.Core.Localization;
using ServicePortal.Core.Staff;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.AccessHistory;

/// <summary>
/// "Nani ameangalia taarifa zangu / Who viewed my data" (issue 12), for the page and the API alike: every staff access
/// to the citizen's data from the access log, and every call that carried their identity to an agency from the
/// gateway's audit (through Core's interfaces: this module never reads the gateway's tables). Staff are shown by role
/// and office, not by name (docs/security.md, "Who viewed my data").
/// </summary>
public sealed class AccessHistoryReader(
    NpgsqlDataSource dataSource,
    IAgencySubjects subjects,
    IEnumerable<ICitizenAgencyCalls> agencyCalls,
    IEnumerable<IAgencyShortNames> agencyNames)
{
    public const int PageSize = 20;
    public const int MaxPage = 1000;

    /// <summary>One staff access as the citizen reads it.</summary>
    public sealed record Access(DateTimeOffset At, string When, string Office, string Role, string Action, string? Reason);

    /// <summary>One call to an agency that carried the citizen's identity.</summary>
    public sealed record AgencyCall(DateTimeOffset At, string When, string Agency, string Endpoint);

    public sealed record Page(int Number, int Size, IReadOnlyList<Access> Accesses, bool MoreAccesses,
        IReadOnlyList<AgencyCall> AgencyCalls, bool MoreAgencyCalls);

    /// <summary>Page <paramref name="number"/> (from 1) of both lists, newest first, for this account only.</summary>
    public async Task<Page> ReadAsync(Guid accountId, int number, int size, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var offset = (number - 1) * size;
        var rows = await AccessLog.ListForCitizenAsync(dataSource, accountId, size + 1, offset, cancellationToken);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var accesses = new List<Access>();
        foreach (var row in rows.Take(size))
        {
            var agency = StaffRoles.AgencyOf(row.StaffRole);
            var shortName = agency is null ? null : await ShortNameAsync(agency, names, cancellationToken);
            accesses.Add(new Access(row.At, EastAfricaTime.When(row.At),
                shortName ?? T("Dawati la msaada la lango (e-GA)", "Portal helpdesk (e-GA)"),
                StaffRoles.Describe(row.StaffRole, shortName), ActionInWords(row.Action), row.Reason));
        }

        var calls = new List<AgencyCall>();
        var moreCalls = false;
        var reader = agencyCalls.FirstOrDefault();
        if (reader is not null)
        {
            var mine = await subjects.OfAccountAsync(accountId, cancellationToken);
            var found = await reader.ListAsync(mine, size + 1, offset, cancellationToken);
            moreCalls = found.Count > size;
            foreach (var call in found.Take(size))
            {
                calls.Add(new AgencyCall(call.At, EastAfricaTime.When(call.At),
                    await ShortNameAsync(call.Agency, names, cancellationToken) ?? call.Agency.ToUpperInvariant(), call.Endpoint));
            }
        }

        return new Page(number, size, accesses, rows.Count > size, calls, moreCalls);
    }

    public static string ActionInWords(string action) => action switch
    {
        AccessAction.Lookup => T("Alikutafuta", "Looked you up"),
        AccessAction.Case => T("Alifungua taarifa zako zote", "Opened your case"),
        AccessAction.Request => T("Alifungua ombi lako", "Opened an application of yours"),
        AccessAction.Ticket => T("Alifungua tiketi yako", "Opened a ticket of yours"),
        AccessAction.Export => T("Ulikuwa kwenye orodha iliyotolewa (CSV)", "You were in an exported list (CSV)"),
        AccessAction.Recovery => T("Hatua ya kurejesha akaunti yako", "A step of recovering your account"),
        _ => action,
    };

    private async Task<string?> ShortNameAsync(string agency, Dictionary<string, string> known, CancellationToken cancellationToken)
    {
        if (known.TryGetValue(agency, out var name))
        {
            return name;
        }

        foreach (var names in agencyNames)
        {
            if (await names.ShortNameAsync(agency, cancellationToken) is { } found)
            {
                return known[agency] = found;
            }
        }

        return known[agency] = agency.ToUpperInvariant();
    }
}
