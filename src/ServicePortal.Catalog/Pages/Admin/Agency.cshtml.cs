using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ServicePortal.Catalog.Api;
using ServicePortal.Catalog.Changes;
using ServicePortal.Core.Staff;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Catalog.Pages.Admin;

/// <summary>
/// One agency for the administrator: its status, the reason of the last decision, what it has live, its
/// history, and the decision its status allows: approve or reject an agency awaiting approval, suspend an
/// approved one, reinstate a suspended one. Rejecting, suspending and reinstating need a reason (the agency
/// reads it in <c>GET /api/agency</c>); each decision and its history row are one transaction. Every form carries the
/// agency's version as the page showed it; a decision posted from a page that is out of date (the agency asked again,
/// another administrator decided) decides nothing and shows the agency as it is now.
/// </summary>
[Authorize(Policy = CatalogAdministration.StaffPolicy)]
[Authorize(Policy = CatalogAdministration.AdministratorPolicy)]
internal sealed class AgencyModel(AgencyChanges agencies, IValidator<DecisionReason> reasons, IEnumerable<IStaffNames> staffNames) : PageModel
{
    public const int HistoryRows = 30;

    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    [BindProperty]
    public string? Reason { get; set; }

    /// <summary>The agency's version the page showed (a hidden field of every form); a post without it decides nothing.</summary>
    [BindProperty]
    public int? Version { get; set; }

    public AgencyRecord? Agency { get; private set; }
    public HistoryView History { get; private set; } = HistoryView.Empty;
    public string? Message { get; private set; }
    public string? Done { get; private set; }

    /// <summary>Set when the page is the confirmation of a reject or suspend (see <see cref="ConfirmDecision"/>).</summary>
    public ConfirmDecision? Confirm { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }

        Done = done switch
        {
            "approved" => T("Taasisi imeidhinishwa.", "The agency is approved."),
            "rejected" => T("Taasisi imerudishwa kama rasimu pamoja na sababu.", "The agency is back in draft, with the reason."),
            "suspended" => T("Taasisi imesitishwa: huduma zake zimeondoka kwenye orodha ya umma na lango linajibu 503.",
                "The agency is suspended: its services left the public catalogue and the gateway answers 503."),
            "reinstated" => T("Taasisi imerejeshwa.", "The agency is reinstated."),
            _ => null,
        };
        return Page();
    }

    // The first step of a decision that takes something away: check the reason, then ask once more. Changes nothing.
    public Task<IActionResult> OnPostConfirmRejectAsync(CancellationToken cancellationToken) =>
        ConfirmAsync(AgencyDecision.Reject, cancellationToken);

    public Task<IActionResult> OnPostConfirmSuspendAsync(CancellationToken cancellationToken) =>
        ConfirmAsync(AgencyDecision.Suspend, cancellationToken);

    private async Task<IActionResult> ConfirmAsync(AgencyDecision decision, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }

        if (await reasons.ValidReasonAsync(Reason, ModelState, cancellationToken) is not { } reason)
        {
            return Page();
        }

        var a = Agency!;
        var name = T(a.NameSw, a.NameEn);
        var href = $"/admin/catalog/agencies/{Uri.EscapeDataString(Code)}";
        Confirm = decision == AgencyDecision.Suspend
            ? new ConfirmDecision(T($"Una uhakika unataka kusitisha {name}?", $"Are you sure you want to suspend {name}?"),
                T($"Huduma {a.PublishedServices} za taasisi hii zitaondoka kwenye orodha ya umma, utafutaji na API, na lango litajibu 503 kwa kurasa zake, hadi itakaporejeshwa.",
                    $"This agency's {a.PublishedServices} services will leave the public catalogue, search and API, and the gateway will answer 503 for its pages, until it is reinstated."),
                reason, Version ?? 0, "Suspend", T("Ndiyo, sitisha taasisi", "Yes, suspend the agency"), href)
            : new ConfirmDecision(T($"Una uhakika unataka kukataa {name}?", $"Are you sure you want to reject {name}?"),
                T("Taasisi itarudi kuwa rasimu na itaona sababu yako; itahitaji kuomba idhini upya.",
                    "The agency goes back to draft and sees your reason; it will have to ask for approval again."),
                reason, Version ?? 0, "Reject", T("Ndiyo, kataa taasisi", "Yes, reject the agency"), href);
        ViewData["Title"] = Confirm.Question;
        return Page();
    }

    public Task<IActionResult> OnPostApproveAsync(CancellationToken cancellationToken) =>
        DecideAsync(AgencyDecision.Approve, reasonRequired: false, cancellationToken);

    public Task<IActionResult> OnPostRejectAsync(CancellationToken cancellationToken) =>
        DecideAsync(AgencyDecision.Reject, reasonRequired: true, cancellationToken);

    public Task<IActionResult> OnPostSuspendAsync(CancellationToken cancellationToken) =>
        DecideAsync(AgencyDecision.Suspend, reasonRequired: true, cancellationToken);

    public Task<IActionResult> OnPostReinstateAsync(CancellationToken cancellationToken) =>
        DecideAsync(AgencyDecision.Reinstate, reasonRequired: true, cancellationToken);

    private async Task<IActionResult> DecideAsync(AgencyDecision decision, bool reasonRequired, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }

        string? reason = null;
        if (reasonRequired &&
            (reason = await reasons.ValidReasonAsync(Reason, ModelState, cancellationToken)) is null)
        {
            return Page();
        }

        var outcome = await agencies.DecideAsync(Code, decision, Version ?? 0, reason, CatalogAdministration.ChangedBy(User), cancellationToken);
        switch (outcome)
        {
            case DecisionOutcome.NotFound:
                return NotFound();
            case DecisionOutcome.Stale:
                await LoadAsync(cancellationToken);
                Message = T("Taasisi hii imebadilika tangu ulipoifungua: hakuna kilichoamuliwa. Angalia hali yake sasa kabla ya kuamua.",
                    "This agency has changed since you opened it: nothing was decided. Look at it as it is now before deciding.");
                return Page();
            case DecisionOutcome.WrongStatus:
                // Another administrator decided first (or the form was stale): show the agency as it is now.
                await LoadAsync(cancellationToken);
                Message = T("Hali ya taasisi imebadilika tayari; angalia hali yake sasa.",
                    "The agency's status has already changed; look at its status now.");
                return Page();
            default:
                return Redirect($"/admin/catalog/agencies/{Uri.EscapeDataString(Code)}?done={AgencyChanges.Transition(decision).Change}");
        }
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        Agency = CatalogApi.AgencyCodePattern().IsMatch(Code) ? await agencies.FindAsync(Code, cancellationToken) : null;
        if (Agency is null)
        {
            return false;
        }

        History = await CatalogAdministration.HistoryAsync(staffNames, await agencies.ListHistoryAsync(Agency.Id, HistoryRows, cancellationToken),
            cancellationToken);
        return true;
    }
}
