using Microsoft.Extensions.DependencyInjection;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Core.Staff;

/// <summary>
/// One tool a staff role has, as the staff home lists it. Each module registers the tools it owns
/// (<see cref="StaffToolSetup.AddStaffTool"/>), so the staff home (in the identity module) knows every tool without
/// depending on the modules. <see cref="Href"/> null: the tool is planned but not built yet, and the home says so.
/// </summary>
public sealed record StaffTool(string Role, string NameSw, string NameEn, string DescriptionSw, string DescriptionEn, string? Href = null)
{
    public string Name => T(NameSw, NameEn);
    public string Description => T(DescriptionSw, DescriptionEn);
    public bool IsBuilt => Href is not null;
}

/// <summary>The staff roles in plain words (role codes as the session's <c>role</c> claims carry them).</summary>
public static class StaffRoles
{
    public const string HelpdeskAgent = "helpdesk_agent";
    public const string HelpdeskSupervisor = "helpdesk_supervisor";
    public const string AgencyOfficer = "agency_officer";
    public const string Administrator = "administrator";

    /// <summary>
    /// Not a person: an agency's own system reading through the agency API (client credentials), as the access log
    /// records it (<c>agency_system:rita</c>, with the empty staff id).
    /// </summary>
    public const string AgencySystem = "agency_system";

    /// <summary>The access log's role for <paramref name="agency"/>'s system.</summary>
    public static string AgencySystemOf(string agency) => AgencySystem + ":" + agency;

    /// <summary>The role part of a claim value: <c>agency_officer:rita</c> is <c>agency_officer</c>.</summary>
    public static string RoleOf(string claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var colon = claim.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? claim : claim[..colon];
    }

    /// <summary>The agency part of a claim value, or null.</summary>
    public static string? AgencyOf(string claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var colon = claim.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : claim[(colon + 1)..];
    }

    /// <summary>
    /// "Msimamizi wa dawati la msaada" / "Helpdesk supervisor"; an agency officer with the agency's short name
    /// ("Afisa wa RITA" / "RITA officer"). An unknown role is shown as it is rather than hidden.
    /// </summary>
    public static string Describe(string claim, string? agencyShortName = null)
    {
        var agency = agencyShortName ?? AgencyOf(claim)?.ToUpperInvariant() ?? "";
        return RoleOf(claim) switch
        {
            HelpdeskAgent => T("Mhudumu wa dawati la msaada", "Helpdesk agent"),
            HelpdeskSupervisor => T("Msimamizi wa dawati la msaada", "Helpdesk supervisor"),
            AgencyOfficer => T($"Afisa wa {agency}", $"{agency} officer"),
            AgencySystem => T($"Mfumo wa {agency}", $"{agency}'s system"),
            Administrator => T("Msimamizi wa lango (e-GA)", "Portal administrator (e-GA)"),
            _ => claim,
        };
    }

    /// <summary>
    /// The same in the middle of a sentence, after a name ("na Emmanuel Kimaro, msimamizi wa lango (e-GA)" / "by
    /// Emmanuel Kimaro, portal administrator (e-GA)"): lower case, but an agency's short name keeps its capitals.
    /// </summary>
    public static string DescribeInline(string claim, string? agencyShortName = null)
    {
        var agency = agencyShortName ?? AgencyOf(claim)?.ToUpperInvariant() ?? "";
        return RoleOf(claim) switch
        {
            HelpdeskAgent => T("mhudumu wa dawati la msaada", "helpdesk agent"),
            HelpdeskSupervisor => T("msimamizi wa dawati la msaada", "helpdesk supervisor"),
            AgencyOfficer => T($"afisa wa {agency}", $"{agency} officer"),
            AgencySystem => T($"mfumo wa {agency}", $"{agency}'s system"),
            Administrator => T("msimamizi wa lango (e-GA)", "portal administrator (e-GA)"),
            _ => claim,
        };
    }
}

/// <summary>An agency's short name for a staff page ("RITA"), where the catalogue knows it.</summary>
public interface IAgencyShortNames
{
    Task<string?> ShortNameAsync(string agencyCode, CancellationToken cancellationToken);
}

public static class StaffToolSetup
{
    public static IServiceCollection AddStaffTool(this IServiceCollection services, StaffTool tool) =>
        services.AddSingleton(tool);
}
