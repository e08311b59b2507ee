using System.Text.Json;
using System.Text.RegularExpressions;
using FluentValidation;
using FluentValidation.Results;

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
    /// A structural check of the form (deep JSON Schema validation is left to the form renderer): an object
    /// schema of 2020-12 whose properties are objects with a known type, whose required names exist, not
    /// deeper than the renderer draws, and not bigger than a form a person fills in.
    /// </summary>
    public static string? FormSchemaProblem(JsonElement schema)
    {
        string Fail(string sw, string en) => Both(sw, en);
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return Fail("Fomu iwe JSON Schema ya aina object.", "The form must be a JSON Schema object.");
        }

        if (schema.GetRawText().Length > 64 * 1024)
        {
            return Fail("Fomu isizidi KB 64.", "The form must not be larger than 64 KB.");
        }

        if (schema.TryGetProperty("$schema", out var dialect) &&
            (dialect.ValueKind != JsonValueKind.String || dialect.GetString() != "https://json-schema.org/draft/2020-12/schema"))
        {
            return Fail("$schema iwe https://json-schema.org/draft/2020-12/schema.",
                "$schema must be https://json-schema.org/draft/2020-12/schema.");
        }

        if (!schema.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "object")
        {
            return Fail("Fomu iwe na \"type\": \"object\".", "The form must have \"type\": \"object\".");
        }

        if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return Fail("Fomu iwe na \"properties\" (kitu chenye sehemu za fomu).", "The form must have \"properties\" (an object of fields).");
        }

        foreach (var property in properties.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Object ||
                !property.Value.TryGetProperty("type", out var fieldType) || fieldType.ValueKind != JsonValueKind.String ||
                fieldType.GetString() is not ("string" or "integer" or "number" or "boolean" or "object" or "array"))
            {
                return Fail($"Sehemu '{property.Name}' iwe kitu chenye \"type\" inayojulikana.",
                    $"Field '{property.Name}' must be an object with a known \"type\".");
            }
        }

        if (schema.TryGetProperty("required", out var required))
        {
            if (required.ValueKind != JsonValueKind.Array ||
                required.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String || !properties.TryGetProperty(r.GetString()!, out _)))
            {
                return Fail("\"required\" iwe orodha ya majina ya sehemu zilizopo.", "\"required\" must list names of existing fields.");
            }
        }

        return Depth(schema, 0) > 16
            ? Fail("Fomu ina kina kirefu mno.", "The form is nested too deeply.")
            : null;
    }

    private static int Depth(JsonElement element, int depth) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Select(p => Depth(p.Value, depth + 1)).DefaultIfEmpty(depth + 1).Max(),
        JsonValueKind.Array => element.EnumerateArray().Select(e => Depth(e, depth + 1)).DefaultIfEmpty(depth + 1).Max(),
        _ => depth,
    };
}
