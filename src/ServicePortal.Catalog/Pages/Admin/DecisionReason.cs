using FluentValidation;
using FluentValidation.Results;
using ServicePortal.Catalog.Onboarding;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Catalog.Pages.Admin;

/// <summary>
/// The reason an administrator gives for rejecting, suspending or reinstating: the agency reads it, and it is
/// kept in the history. Required, at most 2000 characters (the column's CHECK), line breaks allowed, no other
/// control characters. Messages in the reader's language (Kiswahili, or English when chosen).
/// </summary>
public sealed record DecisionReason(string? Reason);

public sealed class DecisionReasonValidator : AbstractValidator<DecisionReason>
{
    public const int MaxLength = 2000;

    public DecisionReasonValidator()
    {
        RuleFor(x => x).Custom((input, context) =>
        {
            var reason = input.Reason?.Trim();
            if (string.IsNullOrEmpty(reason) || reason.Length > MaxLength)
            {
                context.AddFailure(new ValidationFailure(nameof(DecisionReason.Reason), T(
                    $"Andika sababu (hadi herufi {MaxLength}) ili taasisi ijue kwa nini.",
                    $"Write the reason (up to {MaxLength} characters) so the agency knows why.")));
            }
            else if (OnboardingRules.HasControl(reason, multiline: true))
            {
                context.AddFailure(new ValidationFailure(nameof(DecisionReason.Reason), T(
                    "Sababu ina herufi za udhibiti zisizoruhusiwa.", "The reason contains control characters that are not allowed.")));
            }
        });
    }
}
