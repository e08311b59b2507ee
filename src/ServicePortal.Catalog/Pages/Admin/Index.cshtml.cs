using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Onboarding;

namespace ServicePortal.Catalog.Pages.Admin;

/// <summary>What agencies have submitted and awaits the administrator, by agency.</summary>
[Authorize(Policy = CatalogAdministration.StaffPolicy)]
[Authorize(Policy = CatalogAdministration.AdministratorPolicy)]
public sealed class IndexModel(AgencyProposals proposals) : PageModel
{
    public IReadOnlyList<IGrouping<string, AwaitingProposal>> ByAgency { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var awaiting = await proposals.AwaitingAsync(cancellationToken).ConfigureAwait(false);
        ByAgency = [.. awaiting.GroupBy(p => p.AgencyCode)];
    }

    public static string ReviewHref(AwaitingProposal proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        return proposal.Kind == AgencyProposals.ServiceKind
            ? $"/admin/catalog/services/{Uri.EscapeDataString(proposal.Key)}"
            : $"/admin/catalog/endpoints/{Uri.EscapeDataString(proposal.AgencyCode)}/{Uri.EscapeDataString(proposal.Key)}";
    }
}
