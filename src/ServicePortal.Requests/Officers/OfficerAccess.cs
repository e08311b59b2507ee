using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Staff;

namespace ServicePortal.Requests.Officers;

/// <summary>
/// Who may use the agency officer's workspace, and for which agencies: a session role claim
/// <c>agency_officer:&lt;agency&gt;</c> (one per agency the officer serves). Pages ask for the staff policy (two factors,
/// a staff role) and this one; every query then names the officer's agencies, so another agency's application is
/// simply not found (404), as a reference that does not exist.
/// </summary>
internal static class OfficerAccess
{
    public const string Policy = "agency_officer";

    /// <summary>The officer's agencies, each with the role claim that grants it (what the access log records).</summary>
    public static IReadOnlyDictionary<string, string> AgenciesOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var agencies = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var claim in user.FindAll(PortalClaims.Role))
        {
            if (StaffRoles.RoleOf(claim.Value) == StaffRoles.AgencyOfficer && StaffRoles.AgencyOf(claim.Value) is { Length: > 0 } agency)
            {
                agencies.TryAdd(agency, claim.Value);
            }
        }

        return agencies;
    }

    public static IServiceCollection AddOfficerPolicy(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .RequireAuthenticatedUser()
            .RequireAssertion(context => AgenciesOf(context.User).Count > 0));
        return services;
    }
}
