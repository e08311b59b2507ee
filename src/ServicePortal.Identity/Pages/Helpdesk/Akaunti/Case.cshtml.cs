using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using ServicePortal.Identity.Passkeys;
using ServicePortal.Identity.Recovery;
using ServicePortal.Identity.Registry;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Identity.Pages.Helpdesk.Akaunti;

/// <summary>
/// One recovery case: the account (masked), and the steps (<see cref="AssistedRecovery"/>). Only the staff member who
/// opened it sees it, and supervisors once a change is asked; anyone else gets 404.
/// </summary>
[Authorize(Policy = IdentityModule.StaffPolicy)]
public sealed class CaseModel(AssistedRecovery recovery, PasskeyService passkeys) : FormPageModel
{
    public RecoveryCase Case { get; private set; } = null!;
    public Accounts.Account Account { get; private set; } = null!;
    public RecoveryStaff Staff { get; private set; } = null!;
    public int PasskeyCount { get; private set; }
    public bool Locked { get; private set; }
    public string? Notice { get; private set; }

    /// <summary>The registry's question being asked, sw and en.</summary>
    public RegistryStart.Question? Question { get; private set; }

    [BindProperty] public string? Answer { get; set; }
    [BindProperty] public string? Kind { get; set; }
    [BindProperty] public int? PhoneIndex { get; set; }
    [BindProperty] public bool Approve { get; set; }

    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) is { } refused ? refused : await ShowAsync(cancellationToken);

    public async Task<IActionResult> OnPostUnlockAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        return await AfterAsync(await recovery.UnlockAsync(Case, Staff, cancellationToken), "unlocked", cancellationToken);
    }

    public async Task<IActionResult> OnPostQuestionAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        switch (await recovery.AskRegistryAsync(Case, Staff, cancellationToken))
        {
            case RegistryStart.Question question:
                Question = question;
                break;
            case RegistryStart.Unavailable:
                Problem = T("NIDA haipatikani sasa. Jaribu tena baadaye.", "The registry is unavailable now. Try again later.");
                break;
            default:
                Problem = T("NIDA haikupata mtu mwenye taarifa za akaunti hii.", "The registry found no person with this account's details.");
                break;
        }

        return await ShowAsync(cancellationToken, keepQuestion: true);
    }

    public async Task<IActionResult> OnPostAnswerAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (string.IsNullOrWhiteSpace(Answer) || Answer.Length > 100)
        {
            Errors["Answer"] = T("Andika jibu la mwananchi.", "Write the citizen's answer.");
            return await ShowAsync(cancellationToken);
        }

        var result = await recovery.AnswerRegistryAsync(Case, Staff, Answer.Trim(), cancellationToken);
        if (result is RegistryAnswer.Verified)
        {
            return LocalRedirect($"/helpdesk/akaunti/{Case.Id}?done=verified");
        }

        Problem = result switch
        {
            RegistryAnswer.Wrong wrong => T($"Jibu si sahihi. Majaribio {wrong.AttemptsLeft} yamebaki.", $"The answer is wrong. {wrong.AttemptsLeft} tries left."),
            RegistryAnswer.Unavailable => T("NIDA haipatikani sasa. Jaribu tena baadaye.", "The registry is unavailable now. Try again later."),
            _ => T("Swali halipo tena. Uliza swali jipya.", "The question is no longer open. Ask a new one."),
        };
        return await ShowAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAskAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        return await AfterAsync(await recovery.AskAsync(Case, Staff, Kind ?? "", PhoneIndex, cancellationToken), "asked", cancellationToken);
    }

    public async Task<IActionResult> OnPostDecideAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        return await AfterAsync(await recovery.DecideAsync(Case, Staff, Approve, cancellationToken), Approve ? "approved" : "refused", cancellationToken);
    }

    private async Task<IActionResult> AfterAsync(RecoveryStep step, string done, CancellationToken cancellationToken)
    {
        if (step.Done)
        {
            return LocalRedirect($"/helpdesk/akaunti/{Case.Id}?done={done}");
        }

        Problem = step.Refusal;
        Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status409Conflict;
        return await ShowAsync(cancellationToken);
    }

    /// <summary>The case, when this staff member may see it: null when they may (and it is loaded), else the answer.</summary>
    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        if (RecoveryPage.StaffOf(User) is not { } staff)
        {
            return Forbid();
        }

        Staff = staff;
        if (await recovery.FindAsync(id, staff, cancellationToken) is not { } found)
        {
            return NotFound();
        }

        Case = found;
        return null;
    }

    private async Task<IActionResult> ShowAsync(CancellationToken cancellationToken, bool keepQuestion = false)
    {
        if (await recovery.ViewAsync(Case, Staff, cancellationToken) is not { } account)
        {
            return NotFound();
        }

        Account = account;
        PasskeyCount = (await passkeys.ListAsync(account.Id, cancellationToken)).Count;
        Locked = await recovery.IsLockedAsync(account, cancellationToken);
        Notice = Done switch
        {
            "unlocked" => T("Akaunti imefunguliwa na mwananchi ametumiwa SMS.", "The account was unlocked and the citizen was texted."),
            "verified" => T("Jibu la NIDA ni sahihi. Chagua namba mpya kati ya zile NIDA inazoshikilia.", "The registry's answer is right. Choose the new number among those the registry holds."),
            "asked" => T("Ombi limetumwa kwa msimamizi mwingine na mwananchi ametumiwa SMS.", "The change was sent to another supervisor and the citizen was texted."),
            "approved" => T("Badiliko limeidhinishwa na kufanyika. Mwananchi ametumiwa SMS kwenye simu iliyosajiliwa.", "The change was approved and made. The citizen was texted on the registered phone."),
            "refused" => T("Ombi limekataliwa na mwananchi ametumiwa SMS.", "The change was refused and the citizen was texted."),
            _ => null,
        };
        if (!keepQuestion)
        {
            Question = null;
        }

        return Page();
    }
}
