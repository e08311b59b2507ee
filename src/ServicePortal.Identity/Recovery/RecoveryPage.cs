using System.Security.Claims;
using ServicePortal.Core.Staff;
using ServicePortal.Identity.Session;

namespace ServicePortal.Identity.Recovery;

/// <summary>Who is acting on the recovery pages: a helpdesk supervisor or agent of this session, else nobody (403).</summary>
public static class RecoveryPage
{
    public static RecoveryStaff? StaffOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (PortalSession.AccountId(user) is not { } id)
        {
            return null;
        }

        return user.HasClaim(PortalSession.RoleClaim, StaffRoles.HelpdeskSupervisor) ? new RecoveryStaff(id, StaffRoles.HelpdeskSupervisor)
            : user.HasClaim(PortalSession.RoleClaim, StaffRoles.HelpdeskAgent) ? new RecoveryStaff(id, StaffRoles.HelpdeskAgent)
            : null;
    }
}
