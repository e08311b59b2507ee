using System.Security.Claims;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Staff;
using ServicePortal.Helpdesk.Staff;

namespace ServicePortal.Helpdesk.Pages.Agency;

/// <summary>
/// What the agency officer's pages share: the agencies the signed-in officer is bound to (each <c>agency_officer:&lt;code&gt;</c>
/// role claim). A staff member with none of them is answered 403; a ticket not escalated to one of them is 404.
/// </summary>
internal abstract class AgencyPage : PageModel
{
    public IReadOnlyList<string> Agencies => AgenciesOf(User);

    public static IReadOnlyList<string> AgenciesOf(ClaimsPrincipal user) =>
    [
        .. user.FindAll(PortalClaims.Role).Select(c => c.Value)
            .Where(v => StaffRoles.RoleOf(v) == StaffRoles.AgencyOfficer)
            .Select(StaffRoles.AgencyOf).OfType<string>().Where(AgencyCode.IsValid).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal),
    ];

    public StaffActor ActorFor(string agency) =>
        new(Guid.Parse(User.FindFirstValue(PortalClaims.AccountId)!), $"{StaffRoles.AgencyOfficer}:{agency}");
}
