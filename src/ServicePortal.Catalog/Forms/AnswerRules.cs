using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentValidation;

namespace ServicePortal.Catalog.Forms;

/// <summary>
/// The FluentValidation rules generated from a form's fields, built once per form: for each field at most one
/// message (the first rule it breaks), in the order required, type, choice, format, length, pattern, range.
/// A check that throws refuses the answer with its own message (<see cref="Passes"/>).
/// A JSON <c>null</c> counts as not given. Every rule but "required" lets an absent value pass.
/// </summary>
internal sealed class AnswerRules : AbstractValidator<JsonObject>
{
    /// <summary>The key of today's date (East Africa Time) in the validation's root context data.</summary>
    public const string TodayKey = "ServicePortal.Today";

    /// <summary>One rule: whether a value passes (given today's date), and the message when it does not (given the value).</summary>
    private readonly record struct Check(Func<JsonNode?, DateOnly, bool> Passes, Func<JsonNode?, string> Message)
    {
        public Check(Func<JsonNode?, bool> passes, Func<string> message)
            : this((value, _) => passes(value), _ => message())
        {
        }
    }

    public AnswerRules(IReadOnlyList<FormField> fields, Func<string, string> label)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        foreach (var field in fields)
        {
            var name = field.Name;
            var own = Checks(field, asItem: false).ToArray();
            if (own.Length > 0)
            {
                Apply(RuleFor(answers => answers[name]), own, label).OverridePropertyName(name);
            }

            switch (field)
            {
                case { Type: FieldType.Object, Fields.Count: > 0 }:
                    RuleFor(answers => answers[name] as JsonObject)
                        .SetValidator(new AnswerRules(field.Fields, label)!).OverridePropertyName(name);
                    break;
                case { Type: FieldType.Array, Items: { Type: FieldType.Object } items }:
                    RuleForEach(answers => Items(answers[name]).Select(item => item as JsonObject))
                        .SetValidator(new AnswerRules(items.Fields, label)!).OverridePropertyName(name);
                    break;
                case { Type: FieldType.Array, Items: { } items }:
                    var itemChecks = Checks(items, asItem: true).ToArray();
                    if (itemChecks.Length > 0)
                    {
                        Apply(RuleForEach(answers => Items(answers[name])), itemChecks, label).OverridePropertyName(name);
                    }

                    break;
            }
        }
    }

    private static IRuleBuilderOptions<JsonObject, JsonNode?> Apply(
        IRuleBuilder<JsonObject, JsonNode?> rule, Check[] checks, Func<string, string> label)
    {
        IRuleBuilderOptions<JsonObject, JsonNode?>? options = null;
        foreach (var check in checks)
        {
            options = (options ?? rule).Must((_, value, context) =>
            {
                var today = context.RootContextData.TryGetValue(TodayKey, out var t) && t is DateOnly d ? d : DateAnswer.Today(TimeProvider.System);
                if (Passes(check, value, today))
                {
                    return true;
                }

                context.MessageFormatter.AppendArgument(FieldMessages.LabelPlaceholder, label(context.PropertyPath));
                return false;
            }).WithMessage((_, value) => check.Message(value));
        }

        return options!;
    }

    /// <summary>
    /// A check that fails in any way (a pattern out of time, a value no check expected) refuses the answer with the
    /// check's own message: whatever a citizen sends, the answer is a message on the field, never an error page.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Any failure of a check is that answer refused.")]
    private static bool Passes(Check check, JsonNode? value, DateOnly today)
    {
        try
        {
            return check.Passes(value, today);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }

    private static IEnumerable<JsonNode?> Items(JsonNode? list) => list as JsonArray ?? [];

    private static IEnumerable<Check> Checks(FormField field, bool asItem)
    {
        if (field.Required && !asItem)
        {
            yield return new(v => v is not null, field switch
            {
                { Type: FieldType.Array } => FieldMessages.AddOne,
                { IsEnum: true } or { Type: FieldType.Boolean } => FieldMessages.Choose,
                _ => FieldMessages.FillIn,
            });
        }

        switch (field.Type)
        {
            case FieldType.String:
                yield return new(v => v is null || Kind(v) == JsonValueKind.String, FieldMessages.NotText);
                break;
            case FieldType.Integer:
                yield return new(v => v is null || (Number(v) is { } d && d == decimal.Truncate(d)), FieldMessages.NotWholeNumber);
                break;
            case FieldType.Number:
                yield return new(v => v is null || Number(v) is not null, FieldMessages.NotNumber);
                break;
            case FieldType.Boolean:
                yield return new(v => v is null || Kind(v) is JsonValueKind.True or JsonValueKind.False, FieldMessages.NotYesNo);
                break;
            case FieldType.Object:
                yield return new(v => v is null || v is JsonObject, FieldMessages.NotGroup);
                break;
            case FieldType.Array:
                yield return new(v => v is null || v is JsonArray, FieldMessages.NotList);
                if (field.MinItems is { } minItems)
                {
                    yield return new(v => v is not JsonArray list || list.Count >= minItems, () => FieldMessages.TooFewItems(minItems));
                }

                if (field.MaxItems is { } maxItems)
                {
                    yield return new(v => v is not JsonArray list || list.Count <= maxItems, () => FieldMessages.TooManyItems(maxItems));
                }

                break;
        }

        if (field.IsEnum)
        {
            // The choices are the whole truth about the value: nothing else is worth a second message.
            yield return new(v => v is null || field.Options.Any(o => o.Matches(v)), FieldMessages.NotAnOption);
            yield break;
        }

        if (field.Type == FieldType.String)
        {
            if (field.IsDate)
            {
                // The three boxes: what is missing, then a year of four digits, then a real date, then not after today.
                yield return new((v, _) => DateAnswer.Missing(Text(v)).Count == 0, v => FieldMessages.DateMissing(DateAnswer.Missing(Text(v))));
                yield return new(v => !DateAnswer.HasBadYear(Text(v)), FieldMessages.DateYear);
                yield return new(v => Text(v) is not { } s || IsDate(s), FieldMessages.NotADate);
                if (field.NotInFuture)
                {
                    yield return new((v, today) => DateAnswer.Parse(Text(v)) is not { } date || date <= today, _ => FieldMessages.NotInFuture());
                }
            }

            else if (FieldFormats.Find(field.Format) is { } format)
            {
                // Every other format the portal knows (email, nin, phone-tz), checked by its own code.
                yield return new(v => Text(v) is not { } s || format.Accepts(s), format.Message);
            }

            if (field.MinLength is { } min)
            {
                yield return new(v => Text(v) is not { } s || Length(s) >= min, () => FieldMessages.TooShort(min));
            }

            if (field.MaxLength is { } max)
            {
                yield return new(v => Text(v) is not { } s || Length(s) <= max, () => FieldMessages.TooLong(max));
            }

            if (field.PatternRegex is { } pattern)
            {
                yield return new(v => Text(v) is not { } s || FormPatterns.Matches(pattern, s), FieldMessages.NotInPattern);
            }
        }

        if (field.Type is FieldType.Integer or FieldType.Number && (field.Minimum is not null || field.Maximum is not null))
        {
            var (lo, hi) = (field.Minimum, field.Maximum);
            yield return new(v => Number(v) is not { } d || ((lo is null || d >= lo) && (hi is null || d <= hi)),
                () => FieldMessages.OutOfRange(lo, hi));
        }
    }

    internal static JsonValueKind Kind(JsonNode? value) => value?.GetValueKind() ?? JsonValueKind.Null;

    internal static string? Text(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>The number, or null when the value is not one (or is beyond what a form could mean).</summary>
    internal static decimal? Number(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number &&
        decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d
            : null;

    // JSON Schema counts characters (code points), not UTF-16 units: an emoji is one.
    internal static int Length(string s) => s.EnumerateRunes().Count();

    /// <summary>A real calendar date written yyyy-MM-dd (RFC 3339 full-date), and nothing else.</summary>
    internal static bool IsDate(string s) =>
        s.Length == 10 && DateOnly.TryParseExact(s, "yyyy'-'MM'-'dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    /// <summary>
    /// An address a person could have typed: one @, something before it, a domain with a dot after it, no spaces.
    /// Deliberately plain: whether the mailbox exists is learnt by writing to it.
    /// </summary>
    internal static bool IsEmail(string s)
    {
        var at = s.IndexOf('@', StringComparison.Ordinal);
        if (s.Length > 254 || at < 1 || at != s.LastIndexOf('@') || s.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return false;
        }

        var domain = s[(at + 1)..];
        return domain.Contains('.', StringComparison.Ordinal) && !domain.StartsWith('.') && !domain.EndsWith('.') &&
               !domain.Contains("..", StringComparison.Ordinal);
    }
}
