using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Core.Staff;
using ServicePortal.Identity.Session;

namespace ServicePortal.Identity.Pages.Staff;

/// <summary>
/// The staff home: for each role the person holds, in plain words, the tools that role has (each module registers
/// its own <see cref="StaffTool"/>s), a tool not built yet said as such. A staff role and the second factor.
/// </summary>
[Authorize(Policy = IdentityModule.StaffPolicy)]
public sealed class IndexModel(IEnumerable<StaffTool> tools, IEnumerable<IAgencyShortNames> agencyNames) : PageModel
{
    public sealed record RoleTools(int Index, string Name, IReadOnlyList<StaffTool> Tools);

    public IReadOnlyList<RoleTools> Roles { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var names = agencyNames.FirstOrDefault();
        var roles = new List<RoleTools>();
        foreach (var claim in User.FindAll(PortalSession.RoleClaim).Select(c => c.Value).Distinct(StringComparer.Ordinal))
        {
            var agency = StaffRoles.AgencyOf(claim);
            var shortName = agency is not null && names is not null
                ? await names.ShortNameAsync(agency, cancellationToken)
                : null;
            var role = StaffRoles.RoleOf(claim);
            roles.Add(new RoleTools(roles.Count, StaffRoles.Describe(claim, shortName),
                [.. tools.Where(t => t.Role == role).OrderBy(t => t.IsBuilt ? 0 : 1)]));
        }

        Roles = roles;
    }
}
