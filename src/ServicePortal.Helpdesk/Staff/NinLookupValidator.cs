using FluentValidation;
using ServicePortal.Core.Identity;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Helpdesk.Staff;

/// <summary>A NIN lookup as posted: the NIN, the reason's category and the staff member's words.</summary>
internal sealed record NinLookupInput(string? Nin, string? ReasonCategory, string? Reason);

/// <summary>A NIN lookup needs a valid NIN, a reason from the list and the reason in words (5 to 500 characters, not blank).</summary>
internal sealed class NinLookupValidator : AbstractValidator<NinLookupInput>
{
    public NinLookupValidator(TimeProvider clock)
    {
        RuleFor(x => x.Nin).MustBeNationalIdNumber(clock);
        RuleFor(x => x.ReasonCategory).Must(c => LookupReason.Find(c) is not null)
            .WithMessage(_ => T("Chagua sababu ya kumtafuta mtu huyu.", "Choose why you are looking this person up."));
        RuleFor(x => x.Reason).Must(r => (r ?? "").Trim().Length is >= LookupReason.MinText and <= LookupReason.MaxText)
            .WithMessage(_ => T($"Eleza sababu kwa maneno yako (herufi {LookupReason.MinText} hadi {LookupReason.MaxText}); raia ataiona.",
                $"Say why in your own words ({LookupReason.MinText} to {LookupReason.MaxText} characters); the citizen will see it."));
    }
}
