using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Onboarding;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Catalog.Pages.Admin;

/// <summary>
/// A proposal beside the live entry, field by field, with Approve and Reject. Approval publishes (services) or
/// approves for the gateway (endpoints) with a history row; rejection sends it back to the agency as a draft
/// with the reason, which the agency reads in its list.
/// </summary>
[Authorize(Policy = CatalogAdministration.StaffPolicy)]
[Authorize(Policy = CatalogAdministration.AdministratorPolicy)]
public abstract class ReviewModel(AgencyProposals proposals, IValidator<DecisionReason> reasons) : PageModel
{
    protected abstract string Kind { get; }
    protected abstract string? AgencyCode { get; }
    public abstract string Key { get; }

    public ProposalReview? Proposal { get; private set; }
    public IReadOnlyList<FieldChange> Changes { get; private set; } = [];
    public string? Message { get; private set; }

    [BindProperty]
    public string? Reason { get; set; }

    public bool IsService => Kind == AgencyProposals.ServiceKind;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken).ConfigureAwait(false) ? Page() : NotFound();

    public async Task<IActionResult> OnPostApproveAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken).ConfigureAwait(false))
        {
            return NotFound();
        }

        if (!await proposals.ApproveAsync(Kind, Proposal!.Id, CatalogAdministration.ChangedBy(User), cancellationToken).ConfigureAwait(false))
        {
            Message = T("Pendekezo hili halisubiri idhini tena.", "This proposal is no longer awaiting approval.");
            return Page();
        }

        return Redirect("/admin/catalog?done=approved");
    }

    public async Task<IActionResult> OnPostRejectAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken).ConfigureAwait(false))
        {
            return NotFound();
        }

        if (await reasons.ValidReasonAsync(Reason, ModelState, cancellationToken).ConfigureAwait(false) is not { } reason)
        {
            return Page();
        }

        if (!await proposals.RejectAsync(Proposal!.Id, reason, CatalogAdministration.ChangedBy(User), cancellationToken).ConfigureAwait(false))
        {
            Message = T("Pendekezo hili halisubiri idhini tena.", "This proposal is no longer awaiting approval.");
            return Page();
        }

        return Redirect("/admin/catalog?done=rejected");
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        Proposal = await proposals.ReviewAsync(Kind, AgencyCode, Key, cancellationToken).ConfigureAwait(false);
        if (Proposal is null)
        {
            return false;
        }

        Changes = ProposalDiff.Compare(Proposal.Body, Proposal.Live);
        return true;
    }
}
