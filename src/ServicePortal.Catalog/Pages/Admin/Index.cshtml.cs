using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Changes;
using ServicePortal.Catalog.Onboarding;
using ServicePortal.Core.Staff;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Catalog.Pages.Admin;

/// <summary>What awaits the administrator: agencies asking to join, then what agencies have submitted, by agency.</summary>
[Authorize(Policy = CatalogAdministration.StaffPolicy)]
[Authorize(Policy = CatalogAdministration.AdministratorPolicy)]
internal sealed class IndexModel(AgencyProposals proposals, AgencyChanges agencies) : PageModel
{
    public IReadOnlyList<AgencyRecord> AwaitingAgencies { get; private set; } = [];

    public IReadOnlyList<IGrouping<string, AwaitingProposal>> ByAgency { get; private set; } = [];

    /// <summary>What the administrator just decided (after a decision's redirect), or null.</summary>
    public string? Done { get; private set; }

    /// <summary>The agency of that decision, whose page holds the history.</summary>
    public string? DoneAgency { get; private set; }

    /// <summary>Proposals per page (grouped by agency within the page) and agencies asking to join shown here.</summary>
    public const int PageSize = 50;
    public const int AwaitingAgenciesShown = 10;

    public ListPage Paging { get; private set; } = ListPage.Of(null, PageSize, 0);

    /// <summary>How many agencies ask to join (the first <see cref="AwaitingAgenciesShown"/> are listed here).</summary>
    public int AwaitingAgencyCount { get; private set; }

    public async Task OnGetAsync(string? done, string? agency, string? key,
        [FromQuery(Name = "page")] string? pageNumber, CancellationToken cancellationToken)
    {
        // From the address: words are chosen here, the key shown only if it is one (it is escaped anyway).
        var entry = key is not null && key.Length <= 100 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? key : null;
        Done = done switch
        {
            "approved" => entry is null ? T("Pendekezo limeidhinishwa.", "The proposal is approved.")
                : T($"Pendekezo {entry} limeidhinishwa.", $"The proposal {entry} is approved."),
            "rejected" => entry is null ? T("Pendekezo limerudishwa kwa taasisi pamoja na sababu.", "The proposal went back to the agency with the reason.")
                : T($"Pendekezo {entry} limerudishwa kwa taasisi pamoja na sababu.", $"The proposal {entry} went back to the agency with the reason."),
            _ => null,
        };
        DoneAgency = Done is not null && agency is not null && Api.CatalogApi.AgencyCodePattern().IsMatch(agency) ? agency : null;
        // In the queue's order (by agency, oldest first); a page is cut from the queue, then grouped, so an agency with many
        // proposals may continue on the next page.
        var awaiting = await proposals.ListAwaitingAsync(cancellationToken);
        Paging = ListPage.Of(pageNumber, PageSize, awaiting.Count);
        ByAgency = [.. awaiting.Skip(Paging.Skip).Take(PageSize).GroupBy(p => p.AgencyCode)];
        var asking = await agencies.ListAsync("awaiting_approval", cancellationToken);
        AwaitingAgencyCount = asking.Count;
        AwaitingAgencies = [.. asking.Take(AwaitingAgenciesShown)];
    }

    public static string ReviewHref(AwaitingProposal proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        return proposal.Kind == AgencyProposals.ServiceKind
            ? $"/admin/catalog/services/{Uri.EscapeDataString(proposal.Key)}"
            : $"/admin/catalog/endpoints/{Uri.EscapeDataString(proposal.AgencyCode)}/{Uri.EscapeDataString(proposal.Key)}";
    }
}

