using System.Text.Json;
using System.Text.Json.Nodes;
using static ServicePortal.Core.Localization.Lang;

namespace ServicePortal.Catalog.Forms;

/// <summary>
/// The model of <c>Pages/Shared/_ApplicationFormFields.cshtml</c>: the form, the answers to fill it with (none on
/// the first visit, the posted ones after a refusal) and the errors of <see cref="ApplicationForm.Validate"/>.
/// <code>&lt;partial name="_ApplicationFormFields" model="new ApplicationFormView(Model.Form, Model.Answers, Model.Errors)" /&gt;</code>
/// </summary>
public sealed record ApplicationFormView(ApplicationForm Form, JsonObject? Answers, IReadOnlyList<FieldError> Errors)
{
    /// <summary>Lists are drawn with at least this many entries (fewer if the schema allows fewer).</summary>
    public const int EmptyRowsShown = 3;

    public ApplicationFormView(ApplicationForm form)
        : this(form, null, [])
    {
    }

    public bool HasErrors => Errors.Count > 0;

    public string? ErrorFor(string path) => Errors.FirstOrDefault(e => e.Field == path)?.Message;

    /// <summary>The answer at a path as the text an input shows: text as given, a number as written in JSON.</summary>
    public string? TextOf(string path) => ApplicationForm.ValueAt(Answers, path) switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    /// <summary>What a date's three boxes show: the answer's day, month and year, or the boxes as they were typed.</summary>
    public (string Day, string Month, string Year) DateBoxes(string path) => DateAnswer.Boxes(TextOf(path));

    /// <summary>The example under every date, in the order of its boxes.</summary>
    public static string DateExample => T("Kwa mfano 27 3 2024", "For example 27 3 2024");

    /// <summary>A date's hint: its description, if it has one, then the example.</summary>
    public static string DateHint(FormField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.Description is { } about ? about.Current.TrimEnd().TrimEnd('.') + ". " + DateExample : DateExample;
    }

    /// <summary>Where the error summary takes the person: the input itself, or the day box of a date.</summary>
    public string ErrorTarget(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Form.FieldAt(path) is { IsDate: true } ? DateAnswer.InputId(path, DateAnswer.Day) : FieldPath.InputId(path);
    }

    public bool IsTicked(string path) => ApplicationForm.ValueAt(Answers, path)?.GetValueKind() == JsonValueKind.True;

    public bool IsChosen(string path, EnumOption option)
    {
        ArgumentNullException.ThrowIfNull(option);
        var answer = ApplicationForm.ValueAt(Answers, path);
        return option.Matches(answer) || (answer is not null && TextOf(path) == option.Value);
    }

    /// <summary>
    /// How many entries of a list to draw: those answered and one empty more, at least <see cref="EmptyRowsShown"/>
    /// and the schema's <c>minItems</c>, at most its <c>maxItems</c>. Without JavaScript a page cannot add an entry
    /// in place; an empty entry is simply left out when the answers are read.
    /// </summary>
    public int RowsFor(FormField list, string path)
    {
        ArgumentNullException.ThrowIfNull(list);
        var answered = ApplicationForm.ValueAt(Answers, path) is JsonArray a ? a.Count : 0;
        var rows = Math.Max(Math.Max(answered + 1, list.MinItems ?? 0), EmptyRowsShown);
        return Math.Min(rows, Math.Min(list.MaxItems ?? AnswerReader.MaxRows, AnswerReader.MaxRows));
    }

    /// <summary>The ids of the hint and of the error of a field, for <c>aria-describedby</c>; null when it has neither.</summary>
    public string? DescribedBy(FormField field, string path)
    {
        ArgumentNullException.ThrowIfNull(field);
        var id = FieldPath.InputId(path);
        // A date always has a hint: the example of how to write it.
        var ids = new[] { field.Description is null && !field.IsDate ? null : id + "-hint", ErrorFor(path) is null ? null : id + "-error" }
            .Where(x => x is not null);
        var joined = string.Join(' ', ids);
        return joined.Length == 0 ? null : joined;
    }

    public static string OptionalMark => T("(si lazima)", "(optional)");

    /// <summary>Enums with this many options or fewer are radio buttons; more are a drop-down list.</summary>
    public const int MaxRadioOptions = 4;
}

/// <summary>
/// The model of <c>Pages/Shared/_ApplicationAnswers.cshtml</c>: the answers shown back for review, each under its
/// field's title, choices by their titles, yes/no in words, dates in words («5 Januari 2027»).
/// <code>&lt;partial name="_ApplicationAnswers" model="new ApplicationAnswersView(Model.Form, Model.Answers)" /&gt;</code>
/// </summary>
public sealed record ApplicationAnswersView(ApplicationForm Form, JsonObject Answers)
{
    public static string NotGiven => T("Haijajazwa", "Not given");

    /// <summary>A plain answer as a person reads it; null for a group or a list (drawn entry by entry).</summary>
    public static string? Display(FormField field, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (value is null or JsonObject or JsonArray)
        {
            return null;
        }

        if (field.Options.FirstOrDefault(o => o.Matches(value)) is { } option)
        {
            return option.Title.Current;
        }

        if (field.IsDate && DateAnswer.Parse(AnswerRules.Text(value)) is { } date)
        {
            return DateAnswer.Long(date);
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.True => T("Ndiyo", "Yes"),
            JsonValueKind.False => T("Hapana", "No"),
            JsonValueKind.String => value.GetValue<string>(),
            _ => value.ToJsonString(),
        };
    }
}
