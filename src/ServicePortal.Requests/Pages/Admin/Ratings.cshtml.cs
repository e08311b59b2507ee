using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Browse;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Staff;
using ServicePortal.Requests.Applications;
using ServicePortal.Requests.Officers;

namespace ServicePortal.Requests.Pages.Admin;

/// <summary>The administrator's view of the citizens' ratings: per service of every agency, how many and the average.</summary>
[Authorize(Policy = PortalAuthorization.StaffPolicy, Roles = StaffRoles.Administrator)]
internal sealed class RatingsModel(RatingStore ratings, CatalogReader catalog) : PageModel
{
    public IReadOnlyList<ServiceRating> Ratings { get; private set; } = [];

    public IReadOnlyDictionary<string, string> ServiceNames { get; private set; } = new Dictionary<string, string>();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Ratings = await ratings.ListAveragesAsync(null, cancellationToken);
        ServiceNames = (await catalog.ListAllServicesAsync(cancellationToken)).ToDictionary(s => s.Code, s => s.Name.Current, StringComparer.Ordinal);
    }

    public string ServiceName(string code) => ServiceNames.TryGetValue(code, out var name) ? name : code;
}
