using System.Text.Json;
using System.Text.RegularExpressions;
using FluentValidation;
using FluentValidation.Results;
using ServicePortal.Catalog.Forms;

namespace ServicePortal.Catalog.Onboarding;

/// <summary>
/// Field rules shared by the service and endpoint proposals. Every message is "Kiswahili / English": the API's
/// callers are agencies' programs and developers, and one string per field keeps RFC 9457's usual
/// <c>errors: { field: [message] }</c> shape that every client library already reads.
/// </summary>
internal static partial class OnboardingRules
{
    public static string Both(string sw, string en) => $"{sw} / {en}";

    public static void Text<T>(ValidationContext<T> context, string field, ProposedText? text, int min, int max,
        bool required, bool multiline = false)
    {
        if (text is null)
        {
            if (required)
            {
                context.AddFailure(new ValidationFailure(field, Both("Andika kwa Kiswahili na Kiingereza.",
                    "Write it in Kiswahili and English.")));
            }

            return;
        }

        Check(context, field + ".sw", text.Sw, min, max, required, multiline);
        Check(context, field + ".en", text.En, min, max, required, multiline);
    }

    public static void Pairs<T>(ValidationContext<T> context, string field, IReadOnlyList<ProposedText>? pairs, int max)
    {
        if (pairs is null)
        {
            return;
        }

        if (pairs.Count > ServiceProposalValidator.MaxListItems)
        {
            context.AddFailure(new ValidationFailure(field, Both($"Visiwe zaidi ya {ServiceProposalValidator.MaxListItems}.",
                $"No more than {ServiceProposalValidator.MaxListItems} items.")));
            return;
        }

        for (var i = 0; i < pairs.Count; i++)
        {
            if (pairs[i] is null)
            {
                context.AddFailure(new ValidationFailure($"{field}[{i}]", Both("Andika kwa Kiswahili na Kiingereza.",
                    "Write it in Kiswahili and English.")));
                continue;
            }

            Check(context, $"{field}[{i}].sw", pairs[i].Sw, 1, max, required: true, multiline: false);
            Check(context, $"{field}[{i}].en", pairs[i].En, 1, max, required: true, multiline: false);
        }
    }

    public static void Words<T>(ValidationContext<T> context, string field, IReadOnlyList<string>? words)
    {
        if (words is null)
        {
            return;
        }

        if (words.Count > ServiceProposalValidator.MaxListItems || words.Any(w => w is null || w.Length is < 1 or > 60 || HasControl(w, false)))
        {
            context.AddFailure(new ValidationFailure(field, Both(
                $"Maneno ya kutafutia yasizidi {ServiceProposalValidator.MaxListItems}, kila moja herufi 1 hadi 60 bila herufi za udhibiti.",
                $"At most {ServiceProposalValidator.MaxListItems} keywords, each 1 to 60 characters without control characters.")));
        }
    }

    public static void Path<T>(ValidationContext<T> context, string field, string? path, Regex pattern)
    {
        if (path is not null && !pattern.IsMatch(path))
        {
            context.AddFailure(new ValidationFailure(field, Both(
                "Njia ianze na / na iwe na herufi, tarakimu, / _ . - tu (herufi 1 hadi 200).",
                "The path must start with / and hold only letters, digits, / _ . - (1 to 200 characters).")));
        }
    }

    private static void Check<T>(ValidationContext<T> context, string field, string? value, int min, int max, bool required,
        bool multiline)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required || (value is not null && value.Length > 0))
            {
                context.AddFailure(new ValidationFailure(field, Both("Sehemu hii haiwezi kuwa tupu.", "This field cannot be empty.")));
            }

            return;
        }

        if (value.Length < min || value.Length > max)
        {
            context.AddFailure(new ValidationFailure(field, Both($"Iwe na herufi {min} hadi {max}.",
                $"It must be {min} to {max} characters long.")));
        }
        else if (HasControl(value, multiline))
        {
            context.AddFailure(new ValidationFailure(field, Both("Ina herufi za udhibiti zisizoruhusiwa.",
                "It contains control characters that are not allowed.")));
        }
    }

    /// <summary>The longest reason for a decision or a stop (the history columns' CHECK).</summary>
    public const int MaxReasonLength = 2000;

    /// <summary>
    /// What is wrong with a reason given for a decision (administrator) or a stop (agency), in Kiswahili and
    /// English, or null: required, at most <see cref="MaxReasonLength"/> characters once trimmed, line breaks
    /// allowed, no other control characters. The caller words it for its reader (both languages in the API, the
    /// reader's on a page).
    /// </summary>
    public static (string Sw, string En)? ReasonProblem(string? reason)
    {
        var trimmed = reason?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return ("Andika sababu: itahifadhiwa kwenye historia na taasisi itaiona.",
                "Write the reason: it is kept in the history and the agency reads it.");
        }

        if (trimmed.Length > MaxReasonLength)
        {
            return ($"Sababu isizidi herufi {MaxReasonLength}.", $"The reason must be at most {MaxReasonLength} characters long.");
        }

        return HasControl(trimmed, multiline: true)
            ? ("Sababu ina herufi za udhibiti zisizoruhusiwa.", "The reason contains control characters that are not allowed.")
            : null;
    }

    /// <summary>Control characters (and unpaired surrogates) are refused; long texts may keep line breaks and tabs.</summary>
    public static bool HasControl(string value, bool multiline)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'))
            {
                return true;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The form's problem in both languages, or null: the form engine's own check (<see cref="ApplicationForm.Check"/>),
    /// the one the apply page uses, so a form is approved only if citizens can be shown it.
    /// </summary>
    public static string? FormSchemaProblem(JsonElement schema) =>
        ApplicationForm.Check(schema) is { } problem ? Both(problem.Sw, problem.En) : null;
}
