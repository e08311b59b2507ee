using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Changes;
using ServicePortal.Catalog.Onboarding;
using ServicePortal.Core.Staff;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Catalog.Pages.Admin;

/// <summary>
/// A proposal beside the live entry, field by field, with Approve and Reject. Approval publishes (services) or
/// approves for the gateway (endpoints) with a history row; rejection sends it back to the agency as a draft
/// with the reason, which the agency reads in its list. Both forms carry the proposal's version as the page showed
/// it, and a decision applies only to that version: an agency that re-submits between the review and the click
/// gets nothing published, and the administrator sees the new version with "changed since you opened it".
/// </summary>
[Authorize(Policy = CatalogAdministration.StaffPolicy)]
[Authorize(Policy = CatalogAdministration.AdministratorPolicy)]
internal abstract class ReviewModel(AgencyProposals proposals, IValidator<DecisionReason> reasons, ReviewHistory history) : PageModel
{
    public const int HistoryRows = 20;

    protected abstract string Kind { get; }
    protected abstract string? AgencyCode { get; }
    public abstract string Key { get; }

    public ProposalReview? Proposal { get; private set; }
    public IReadOnlyList<FieldChange> Changes { get; private set; } = [];

    /// <summary>The entry's own history (earlier approvals and rejections, by whom), newest first.</summary>
    public HistoryView History { get; private set; } = HistoryView.Empty;
    public string? Message { get; private set; }

    /// <summary>Set when the page is the confirmation of a rejection (see <see cref="ConfirmDecision"/>).</summary>
    public ConfirmDecision? Confirm { get; private set; }

    [BindProperty]
    public string? Reason { get; set; }

    /// <summary>The version the page showed (a hidden field of both forms); a post without it decides nothing.</summary>
    [BindProperty]
    public int? Version { get; set; }

    public bool IsService => Kind == AgencyProposals.ServiceKind;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostApproveAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }

        var outcome = await proposals.ApproveAsync(Kind, Proposal!.Id, Version ?? 0, CatalogAdministration.ChangedBy(User), cancellationToken);
        return outcome == ProposalDecisionOutcome.Done
            ? Redirect(DoneHref("approved"))
            : await RefusedAsync(outcome, cancellationToken);
    }

    // The first step of a rejection: check the reason, then ask once more. Changes nothing.
    public async Task<IActionResult> OnPostConfirmRejectAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }

        if (await reasons.ValidReasonAsync(Reason, ModelState, cancellationToken) is not { } reason)
        {
            return Page();
        }

        Confirm = new ConfirmDecision(
            IsService ? T($"Una uhakika unataka kukataa huduma {Key}?", $"Are you sure you want to reject the service {Key}?")
                      : T($"Una uhakika unataka kukataa kituo cha lango {Key}?", $"Are you sure you want to reject the gateway endpoint {Key}?"),
            T("Pendekezo litarudi kwa taasisi kama rasimu pamoja na sababu yako; kilichochapishwa sasa (kama kipo) hakibadiliki.",
              "The proposal goes back to the agency as a draft with your reason; what is live now (if anything) does not change."),
            reason, Version ?? 0, "Reject", T("Ndiyo, kataa pendekezo", "Yes, reject the proposal"), Request.Path);
        return Page();
    }

    public async Task<IActionResult> OnPostRejectAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }

        if (await reasons.ValidReasonAsync(Reason, ModelState, cancellationToken) is not { } reason)
        {
            return Page();
        }

        var outcome = await proposals.RejectAsync(Proposal!.Id, Version ?? 0, reason, CatalogAdministration.ChangedBy(User), cancellationToken);
        return outcome == ProposalDecisionOutcome.Done
            ? Redirect(DoneHref("rejected"))
            : await RefusedAsync(outcome, cancellationToken);
    }

    // The page again, as the proposal is now (its new version and diff, or no buttons once decided), with why.
    private async Task<IActionResult> RefusedAsync(ProposalDecisionOutcome outcome, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }

        Message = outcome == ProposalDecisionOutcome.Changed
            ? T("Pendekezo hili limebadilika tangu ulipolifungua: hakuna kilichoamuliwa. Angalia toleo lake jipya hapa chini kabla ya kuamua.",
                "This proposal has changed since you opened it: nothing was decided. Look at its new version below before deciding.")
            : T("Pendekezo hili halisubiri idhini tena.", "This proposal is no longer awaiting approval.");
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        Proposal = await proposals.FindReviewAsync(Kind, AgencyCode, Key, cancellationToken);
        if (Proposal is null)
        {
            return false;
        }

        Changes = ProposalDiff.Compare(Proposal.Body, Proposal.Live);
        History = await CatalogAdministration.HistoryAsync(history.StaffNames,
            await history.Agencies.ListEntryHistoryAsync(IsService, Proposal.AgencyCode, Key, HistoryRows, cancellationToken), cancellationToken);
        return true;
    }

    // Back to the queue, saying what was decided and where its history is (the agency's page lists its services' too).
    private string DoneHref(string done) =>
        $"/admin/catalog?done={done}&agency={Uri.EscapeDataString(Proposal!.AgencyCode)}&key={Uri.EscapeDataString(Key)}";
}

/// <summary>What an approval page needs to show the entry's history with names (one parameter for the derived pages).</summary>
internal sealed class ReviewHistory(AgencyChanges agencies, IEnumerable<IStaffNames> staffNames)
{
    public AgencyChanges Agencies => agencies;
    public IEnumerable<IStaffNames> StaffNames => staffNames;
}
