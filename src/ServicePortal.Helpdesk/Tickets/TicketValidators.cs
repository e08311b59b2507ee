using System.Globalization;
using FluentValidation;
using FluentValidation.Results;
using ServicePortal.Core.Requests;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Helpdesk.Tickets;

/// <summary>The open-ticket form as posted (text already normalised by <see cref="TicketText.Normalise"/>).</summary>
internal sealed record NewTicketInput(Guid AccountId, string? Category, string Body, string? Reference);

/// <summary>A reply to a ticket as posted (normalised).</summary>
internal sealed record TicketReplyInput(string Body);

/// <summary>
/// Checks a new ticket: a category from the list, a text of 1 to 2,000 characters, and, when given, a reference to an
/// application that is the citizen's own (read through the Requests module: another citizen's reference is "not in
/// your account", as one that does not exist).
/// </summary>
internal sealed class NewTicketValidator : AbstractValidator<NewTicketInput>
{
    public NewTicketValidator(ICitizenApplications applications)
    {
        ArgumentNullException.ThrowIfNull(applications);
        RuleFor(x => x.Category).Must(TicketCategory.IsKnown)
            .WithMessage(_ => T("Chagua swali lako linahusu nini.", "Choose what your question is about."));
        RuleFor(x => x.Body).Custom(BodyRule.Check);
        RuleFor(x => x.Reference).CustomAsync(async (reference, context, cancellationToken) =>
        {
            if (string.IsNullOrWhiteSpace(reference))
            {
                return;
            }

            if (!Core.Identifiers.ReadableReference.TryParse("SP", reference, out _))
            {
                context.AddFailure(new ValidationFailure(nameof(NewTicketInput.Reference), T(
                    "Hii si namba ya ombi. Namba ya ombi inaanza na SP, kama SP-7K2M9QXR4; iangalie kwenye ukurasa wa ombi lako, au iache tupu.",
                    "This is not an application reference. A reference starts with SP, like SP-7K2M9QXR4; check it on your application's page, or leave it empty.")));
                return;
            }

            if (await applications.FindOwnAsync(context.InstanceToValidate.AccountId, reference, cancellationToken) is null)
            {
                context.AddFailure(new ValidationFailure(nameof(NewTicketInput.Reference), T(
                    "Hatukupata ombi lenye namba hii kwenye akaunti yako. Iangalie kwenye “Maombi yangu”, au iache tupu.",
                    "We found no application with this reference in your account. Check it in “My applications”, or leave it empty.")));
            }
        });
    }
}

internal sealed class TicketReplyValidator : AbstractValidator<TicketReplyInput>
{
    public TicketReplyValidator() => RuleFor(x => x.Body).Custom(BodyRule.Check);
}

internal static class BodyRule
{
    public static void Check<TInput>(string body, ValidationContext<TInput> context)
    {
        if (body.Length == 0)
        {
            context.AddFailure(new ValidationFailure("Body", T("Andika swali au tatizo lako.", "Write your question or problem.")));
        }
        else if (body.Length > TicketText.MaxLength)
        {
            var (max, count) = (TicketText.MaxLength.ToString("#,0", CultureInfo.InvariantCulture), body.Length.ToString("#,0", CultureInfo.InvariantCulture));
            context.AddFailure(new ValidationFailure("Body", T(
                $"Andika herufi {max} au chache; umeandika {count}.", $"Write {max} characters or fewer; you wrote {count}.")));
        }
    }
}
