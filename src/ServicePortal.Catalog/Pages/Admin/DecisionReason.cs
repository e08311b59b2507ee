using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using ServicePortal.Catalog.Onboarding;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Catalog.Pages.Admin;

/// <summary>
/// The reason an administrator gives for rejecting, suspending or reinstating: the agency reads it, and it is
/// kept in the history. The rule is the agency's own (<see cref="OnboardingRules.ReasonProblem"/>); the message
/// is in the reader's language.
/// </summary>
public sealed record DecisionReason(string? Reason);

public sealed class DecisionReasonValidator : AbstractValidator<DecisionReason>
{
    public const int MaxLength = OnboardingRules.MaxReasonLength;

    public DecisionReasonValidator() => RuleFor(x => x.Reason).Custom((reason, context) =>
    {
        if (OnboardingRules.ReasonProblem(reason) is { } problem)
        {
            context.AddFailure(new ValidationFailure(nameof(DecisionReason.Reason), T(problem.Sw, problem.En)));
        }
    });
}

public static class DecisionReasonValidation
{
    /// <summary>
    /// The reason, trimmed, when it is valid; otherwise null, with the messages put beside the form's field.
    /// </summary>
    public static async Task<string?> ValidReasonAsync(this IValidator<DecisionReason> validator, string? reason,
        ModelStateDictionary modelState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(modelState);
        var validation = await validator.ValidateAsync(new DecisionReason(reason), cancellationToken);
        foreach (var error in validation.Errors)
        {
            modelState.AddModelError(error.PropertyName, error.ErrorMessage);
        }

        return validation.IsValid ? reason!.Trim() : null;
    }
}
