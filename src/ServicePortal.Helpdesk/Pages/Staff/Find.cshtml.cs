using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ServicePortal.Core.Identity;
using ServicePortal.Core.Localization;
using ServicePortal.Helpdesk.Staff;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Helpdesk.Pages.Staff;

/// <summary>
/// The helpdesk's find (<c>/helpdesk/tafuta</c>): by ticket number, portal reference or phone (a GET: the words are not
/// personal enough to keep out of an address), or by NIN with a stated reason (a POST, so the NIN is in no address or
/// log). Every person found is in the access log before the result is shown; a NIN without a reason is refused and
/// nothing is read or logged. A NIN typed in the plain search box is refused too (it would skip the reason).
/// </summary>
[Authorize(Policy = PortalAuthorization.StaffPolicy, Roles = Roles)]
internal sealed class FindModel(StaffLookup lookup, IValidator<NinLookupInput> validator, TimeProvider clock) : HelpdeskPage
{
    public string? Query { get; private set; }

    [BindProperty]
    public string? Nin { get; set; }

    [BindProperty]
    public string? ReasonCategory { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public string? Problem { get; private set; }

    /// <summary>Null: nothing searched yet.</summary>
    public IReadOnlyList<LookupHit>? Hits { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? q, CancellationToken cancellationToken)
    {
        Query = Core.Staff.ListPage.Query(q);
        if (Query is null)
        {
            return Page();
        }

        if (NationalIdNumber.TryParse(Query, EastAfricaTime.Today(clock), out _, out _))
        {
            Problem = T("Kutafuta kwa NIN kunahitaji sababu: tumia fomu ya NIN hapa chini.",
                "Finding by NIN needs a reason: use the NIN form below.");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        Show(await lookup.FindAsync(Actor, Query, cancellationToken));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await validator.ValidateAsync(new NinLookupInput(Nin, ReasonCategory, Reason), cancellationToken);
        foreach (var error in result.Errors)
        {
            Errors.TryAdd(error.PropertyName, error.ErrorMessage);
        }

        if (!result.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var nin = NationalIdNumber.Parse(Nin!, EastAfricaTime.Today(clock));
        Show(await lookup.FindByNinAsync(Actor, nin, LookupReason.Find(ReasonCategory)!, Reason!, cancellationToken));
        Nin = null; // the page does not send the NIN back
        return Page();
    }

    public string? ErrorFor(string field) => Errors.GetValueOrDefault(field);

    private void Show(LookupOutcome outcome)
    {
        switch (outcome)
        {
            case LookupOutcome.Found found:
                Hits = found.Hits;
                break;
            case LookupOutcome.NotUnderstood:
                Problem = T("Andika namba ya tiketi (TK-…), namba ya ombi (SP-…) au namba ya simu.",
                    "Type a ticket number (TK-…), an application reference (SP-…) or a phone number.");
                Response.StatusCode = StatusCodes.Status400BadRequest;
                break;
            case LookupOutcome.TooMany tooMany:
                var at = EastAfricaTime.When(tooMany.Until);
                Problem = T($"Umetafuta mara nyingi mno kwa dakika moja. Jaribu tena baada ya {at}.",
                    $"You have searched too many times in a minute. Try again after {at}.");
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                Response.Headers.RetryAfter = "60";
                break;
        }
    }
}
