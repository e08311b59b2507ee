using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Changes;
using ServicePortal.Catalog.Onboarding;

namespace ServicePortal.Catalog.Pages.Admin;

/// <summary>What awaits the administrator: agencies asking to join, then what agencies have submitted, by agency.</summary>
[Authorize(Policy = CatalogAdministration.StaffPolicy)]
[Authorize(Policy = CatalogAdministration.AdministratorPolicy)]
internal sealed class IndexModel(AgencyProposals proposals, AgencyChanges agencies) : PageModel
{
    public IReadOnlyList<AgencyRecord> AwaitingAgencies { get; private set; } = [];

    public IReadOnlyList<IGrouping<string, AwaitingProposal>> ByAgency { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var awaiting = await proposals.ListAwaitingAsync(cancellationToken);
        ByAgency = [.. awaiting.GroupBy(p => p.AgencyCode)];
        AwaitingAgencies = await agencies.ListAsync("awaiting_approval", cancellationToken);
    }

    public static string ReviewHref(AwaitingProposal proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        return proposal.Kind == AgencyProposals.ServiceKind
            ? $"/admin/catalog/services/{Uri.EscapeDataString(proposal.Key)}"
            : $"/admin/catalog/endpoints/{Uri.EscapeDataString(proposal.AgencyCode)}/{Uri.EscapeDataString(proposal.Key)}";
    }
}
