using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using ServicePortal.Core.Identity;
using ServicePortal.Identity.Recovery;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Pages.Helpdesk.Akaunti;

/// <summary>Assisted recovery: find a citizen's account by NIN with a stated reason (logged); supervisors see the changes waiting for them.</summary>
[Authorize(Policy = IdentityModule.StaffPolicy)]
public sealed class IndexModel(AssistedRecovery recovery, TimeProvider clock) : FormPageModel
{
    [BindProperty] public string? Nin { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public bool IsSupervisor { get; private set; }
    public IReadOnlyList<RecoveryCase> Waiting { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (RecoveryPage.StaffOf(User) is not { } staff)
        {
            return Forbid();
        }

        await ShowAsync(staff, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (RecoveryPage.StaffOf(User) is not { } staff)
        {
            return Forbid();
        }

        if (!NationalIdNumber.TryParse(Nin, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), out var nin, out _))
        {
            Errors["Nin"] = T("Weka NIN sahihi ya tarakimu 20.", "Enter a valid 20-digit NIN.");
        }

        if (string.IsNullOrWhiteSpace(Reason))
        {
            Errors["Reason"] = T("Andika sababu ya kuangalia akaunti hii.", "Write why you are looking at this account.");
        }
        else if (Reason.Trim().Length > 500)
        {
            Errors["Reason"] = T("Sababu isizidi herufi 500.", "The reason must be 500 characters or fewer.");
        }

        if (HasErrors)
        {
            await ShowAsync(staff, cancellationToken);
            return Page();
        }

        var (caseId, refusal) = await recovery.OpenAsync(staff, nin!, Reason!, cancellationToken);
        if (caseId is null)
        {
            Problem = refusal;
            await ShowAsync(staff, cancellationToken);
            return Page();
        }

        return LocalRedirect($"/helpdesk/akaunti/{caseId}");
    }

    private async Task ShowAsync(RecoveryStaff staff, CancellationToken cancellationToken)
    {
        IsSupervisor = staff.IsSupervisor;
        Waiting = staff.IsSupervisor ? await recovery.ListAskedAsync(cancellationToken) : [];
    }
}
