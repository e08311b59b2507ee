using Npgsql;
using ServicePortal.Core.Staff;

namespace ServicePortal.Identity.Accounts;

/// <summary>
/// Staff names for other modules' pages (<see cref="IStaffNames"/>): the account's name and one of its roles in plain
/// words, read here because identity owns <c>identity.accounts</c> and <c>identity.account_roles</c>. The role is the one
/// the caller says the act needed when the person holds it, otherwise their first; an agency officer's agency by its short
/// name where the catalogue knows it ("afisa wa RITA").
/// </summary>
public sealed class StaffDirectory(NpgsqlDataSource dataSource, IEnumerable<IAgencyShortNames> agencyNames) : IStaffNames
{
    // A page names a few dozen people at most; more ids than this are a mistake, not a page.
    private const int MaxIds = 500;

    public async Task<IReadOnlyDictionary<Guid, StaffName>> ListAsync(IReadOnlyCollection<Guid> accountIds, string? actingRole,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountIds);
        var names = new Dictionary<Guid, StaffName>();
        if (accountIds.Count == 0)
        {
            return names;
        }

        await using var command = dataSource.CreateCommand("""
            SELECT a.id, a.first_name, a.middle_name, a.last_name,
                   coalesce(array_agg(r.role || CASE WHEN r.agency_code = '' THEN '' ELSE ':' || r.agency_code END
                                      ORDER BY r.role = $2 DESC, r.role, r.agency_code)
                            FILTER (WHERE r.role IS NOT NULL), '{}') AS roles
              FROM identity.accounts a LEFT JOIN identity.account_roles r ON r.account_id = a.id
             WHERE a.id = ANY($1)
             GROUP BY a.id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = accountIds.Take(MaxIds).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = actingRole ?? "" });
        var rows = new List<(Guid Id, string Name, string? Role)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var middle = reader.IsDBNull(2) ? null : reader.GetString(2);
                var name = middle is null ? $"{reader.GetString(1)} {reader.GetString(3)}" : $"{reader.GetString(1)} {middle} {reader.GetString(3)}";
                var roles = reader.GetFieldValue<string[]>(4);
                rows.Add((reader.GetGuid(0), name, roles.Length == 0 ? null : roles[0]));
            }
        }

        var shortNames = agencyNames.FirstOrDefault();
        foreach (var (id, name, role) in rows)
        {
            string? label = null;
            if (role is not null)
            {
                var agency = StaffRoles.AgencyOf(role);
                var shortName = agency is not null && shortNames is not null
                    ? await shortNames.ShortNameAsync(agency, cancellationToken)
                    : null;
                label = StaffRoles.DescribeInline(role, shortName);
            }

            names[id] = new StaffName(id, name, label);
        }

        return names;
    }
}
