using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.Catalog.Changes;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Staff;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Catalog.Pages.Admin;

/// <summary>
/// Who may approve: staff (the identity module's policy "staff": signed in with two factors and holding a
/// role) who are administrators. Catalog does not reference the identity module, so both are Core's names:
/// <see cref="PortalAuthorization.StaffPolicy"/> and the claim <see cref="PortalClaims.Role"/> with the value
/// <see cref="StaffRoles.Administrator"/>. Pages carry both attributes; ASP.NET Core requires both.
/// </summary>
internal static class CatalogAdministration
{
    public const string StaffPolicy = PortalAuthorization.StaffPolicy;
    public const string AdministratorPolicy = "catalog-administrator";

    public static IServiceCollection AddCatalogAdministration(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder().AddPolicy(AdministratorPolicy, policy =>
            policy.RequireAssertion(context => context.User.HasClaim(PortalClaims.Role, StaffRoles.Administrator)));
        // The tools the staff home lists (see ServicePortal.Core.Staff).
        services.AddStaffTool(new StaffTool(StaffRoles.Administrator, "Idhini ya orodha ya huduma", "Catalogue approvals",
            "Huduma na vituo vya lango ambavyo taasisi zimeomba vichapishwe, na taasisi zinazoomba kujiunga.",
            "Services and gateway endpoints agencies asked to publish, and agencies asking to join.", "/admin/catalog"));
        services.AddStaffTool(new StaffTool(StaffRoles.Administrator, "Taasisi zote", "All agencies",
            "Hali ya kila taasisi; kusitisha na kurejesha taasisi.", "Every agency's status; suspending and reinstating agencies.",
            "/admin/catalog/agencies"));
        services.AddStaffTool(new StaffTool(StaffRoles.AgencyOfficer, "Huduma za taasisi yako", "Your agency's services",
            "Kwa sasa taasisi inasajili na kubadilisha huduma zake kwa mfumo wake kupitia API ya usajili (/api/agency); ukurasa wa afisa bado haujajengwa.",
            "For now an agency registers and changes its services from its own system through the onboarding API (/api/agency); a page for officers is not built yet."));
        services.AddSingleton<IAgencyShortNames, CatalogAgencyShortNames>();
        services.AddSingleton<ReviewHistory>();
        return services;
    }

    /// <summary>
    /// Who made a change, as history rows record staff: <c>staff:&lt;account id&gt;</c> (the id is the record; pages show
    /// the name, see <see cref="HistoryAsync"/>).
    /// </summary>
    public static string ChangedBy(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Actors.StaffPrefix + (user.FindFirst(PortalClaims.AccountId)?.Value ?? "unknown");
    }

    /// <summary>
    /// History rows with who made each change in words: staff by name and role ("Emmanuel Kimaro, msimamizi wa lango
    /// (e-GA)": decisions here are an administrator's), looked up in one call through <see cref="IStaffNames"/>.
    /// </summary>
    public static async Task<HistoryView> HistoryAsync(IEnumerable<IStaffNames> names, IReadOnlyList<AgencyHistoryEntry> rows,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new HistoryView(rows, await Actors.DescribeManyAsync(names, rows.Select(r => r.ChangedBy), StaffRoles.Administrator, cancellationToken));
    }

    /// <summary>An agency's status as the administrator reads it.</summary>
    public static string AgencyStatus(string status) => status switch
    {
        "draft" => T("Rasimu (haijaomba idhini)", "Draft (has not asked for approval)"),
        "awaiting_approval" => T("Inasubiri idhini", "Awaiting approval"),
        "approved" => T("Imeidhinishwa", "Approved"),
        "suspended" => T("Imesitishwa", "Suspended"),
        _ => status,
    };

    /// <summary>A history row's change as the administrator reads it.</summary>
    public static string Change(string change) => change switch
    {
        "created" => T("Imeundwa", "Created"),
        "updated" => T("Imebadilishwa", "Updated"),
        "submitted" => T("Imeomba idhini", "Asked for approval"),
        "approved" => T("Imeidhinishwa", "Approved"),
        "rejected" => T("Imekataliwa", "Rejected"),
        "suspended" => T("Imesitishwa", "Suspended"),
        "reinstated" => T("Imerejeshwa", "Reinstated"),
        "disabled" => T("Imezimwa", "Disabled"),
        "retired" => T("Imeondolewa", "Retired"),
        _ => change,
    };
}

/// <summary>An agency's short name for staff pages ("RITA"), from the catalogue whatever the agency's status.</summary>
internal sealed class CatalogAgencyShortNames(AgencyChanges agencies) : IAgencyShortNames
{
    public async Task<string?> ShortNameAsync(string agencyCode, CancellationToken cancellationToken) =>
        Api.CatalogApi.AgencyCodePattern().IsMatch(agencyCode)
            ? (await agencies.FindAsync(agencyCode, cancellationToken))?.ShortName
            : null;
}

/// <summary>History rows and who made each change, in words (<see cref="CatalogAdministration.HistoryAsync"/>).</summary>
internal sealed record HistoryView(IReadOnlyList<AgencyHistoryEntry> Rows, IReadOnlyDictionary<string, string> Actors)
{
    public static HistoryView Empty { get; } = new([], new Dictionary<string, string>());

    public string By(AgencyHistoryEntry row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Actors.TryGetValue(row.ChangedBy, out var words) ? words : row.ChangedBy;
    }
}

/// <summary>One field of a proposal beside the live value it would replace.</summary>
internal sealed record FieldChange(string Field, string? Before, string After, bool Changed);

internal static class ProposalDiff
{
    // Keys that are not the agency's to propose, or that name the entry itself.
    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal) { "code", "name", "agency" };

    /// <summary>Every proposed field, in the proposal's order, with the live value (null: a new entry).</summary>
    public static IReadOnlyList<FieldChange> Compare(string body, string? live)
    {
        var proposed = JsonNode.Parse(body)!.AsObject();
        var current = live is null ? null : JsonNode.Parse(live)!.AsObject();
        var changes = new List<FieldChange>();
        foreach (var (field, value) in proposed)
        {
            if (Skipped.Contains(field))
            {
                continue;
            }

            var after = Show(value);
            var before = current is null ? null : Show(current[field]);
            changes.Add(new FieldChange(field, before, after, before != after));
        }

        return changes;
    }

    private static readonly JsonSerializerOptions Readable = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Strings as they are (Razor escapes them on the page); anything else as compact JSON. Both sides go through
    // here, so equal values always read the same.
    private static string Show(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(Readable),
    };
}
