using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServicePortal.Catalog.Browse;

namespace ServicePortal.Catalog.Forms;

/// <summary>
/// The form engine of the Requests module: a catalogue service's application form (a JSON Schema 2020-12 with
/// bilingual <c>x-title</c>, <c>x-description</c> and <c>x-enum-titles</c>) read once into ordered
/// <see cref="Fields"/>; the answers read from a posted HTML form (<see cref="ReadAnswers"/>) or taken as JSON from
/// the API, and checked by <see cref="Validate"/> with messages in the person's language. Immutable and safe to
/// share between requests: parse a form once per schema version and cache it.
/// The pages draw it with <c>Pages/Shared/_ApplicationFormFields.cshtml</c> and show the answers back with
/// <c>_ApplicationAnswers.cshtml</c>.
/// </summary>
public sealed class ApplicationForm
{
    /// <summary>Answers with more properties and list entries than this, all counted, are refused unread.</summary>
    public const int MaxAnswerCount = 200;

    /// <summary>No text answer may be longer than this, whatever the schema allows.</summary>
    public const int MaxTextLength = 10_000;

    private const int MaxUnknownReported = 5;

    private readonly AnswerRules _rules;
    private readonly SchemaGuard _guard;
    private readonly string[] _fieldOrder;

    private ApplicationForm(Bilingual title, Bilingual? description, IReadOnlyList<FormField> fields, bool closesProperties, SchemaGuard guard)
    {
        Title = title;
        Description = description;
        Fields = fields;
        ClosesProperties = closesProperties;
        _guard = guard;
        _rules = new AnswerRules(fields, LabelFor);
        _fieldOrder = Templates(fields, "").ToArray();
    }

    /// <summary>The form's <c>x-title</c> (empty when it has none).</summary>
    public Bilingual Title { get; }

    public Bilingual? Description { get; }

    /// <summary>The properties of the form, in the schema's order.</summary>
    public IReadOnlyList<FormField> Fields { get; }

    /// <summary><c>additionalProperties: false</c>: answers naming anything else are refused.</summary>
    public bool ClosesProperties { get; }

    /// <summary>
    /// Reads a form: the one check of a form schema, for onboarding, approval and the apply page alike. Refuses, with
    /// the field and the reason in both languages, a schema that is not an object schema of fields the engine draws,
    /// that goes past <see cref="FormLimits"/>, whose pattern is not a regular expression, or that JsonSchema.Net
    /// cannot build.
    /// </summary>
    public static bool TryRead(JsonElement schema, [NotNullWhen(true)] out ApplicationForm? form, [NotNullWhen(false)] out FormSchemaProblem? problem)
    {
        form = null;
        problem = FormSchemaCheck.Check(schema);
        if (problem is not null)
        {
            return false;
        }

        IReadOnlyList<FormField> fields;
        try
        {
            fields = FormSchemaReader.ReadProperties(schema, depth: 0);
        }
        catch (FormatException e)
        {
            // The check above refuses what the reader would (depth, patterns); this stays as the reader's own guard.
            problem = new FormSchemaProblem("", "Fomu haisomeki: " + e.Message, e.Message);
            return false;
        }

        if (fields.Count == 0)
        {
            problem = new FormSchemaProblem("", "Fomu haina sehemu inayoweza kuchorwa.", "The form has no field that can be drawn.");
            return false;
        }

        if (!SchemaGuard.TryBuild(schema, out var guard, out var error))
        {
            problem = new FormSchemaProblem("", "Fomu si JSON Schema sahihi: " + error, "The form is not a valid JSON Schema: " + error);
            return false;
        }

        var description = FormSchemaReader.Text(schema, "x-description", "description", null);
        form = new ApplicationForm(FormSchemaReader.Text(schema, "x-title", "title", null), description.IsEmpty ? null : description,
            fields, FormSchemaReader.ClosesProperties(schema), guard);
        return true;
    }

    /// <summary>What is wrong with a form schema (the first problem found), or null when the portal can draw it.</summary>
    public static FormSchemaProblem? Check(JsonElement schema) => TryRead(schema, out _, out var problem) ? null : problem;

    /// <summary>
    /// <see cref="TryRead"/> with the problem as one English line (<see cref="FormSchemaProblem.ToString"/>), for the
    /// agency's engineers and the logs.
    /// </summary>
    public static bool TryParse(JsonElement schema, [NotNullWhen(true)] out ApplicationForm? form, [NotNullWhen(false)] out string? error)
    {
        var read = TryRead(schema, out form, out var problem);
        error = problem?.ToString();
        return read;
    }

    /// <summary>Reads a form that is known to be good (the catalogue checked it); throws <see cref="FormatException"/> if not.</summary>
    public static ApplicationForm Parse(JsonElement schema) =>
        TryParse(schema, out var form, out var error) ? form : throw new FormatException(error);

    /// <summary>
    /// The answers posted by the form drawn with <c>_ApplicationFormFields</c>: inputs named <c>answers.…</c>.
    /// Text trimmed, empty answers left out, numbers and yes/no converted (text that is not a number stays text),
    /// names the form does not draw ignored.
    /// </summary>
    public JsonObject ReadAnswers(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        return AnswerReader.Read(Fields, form, "");
    }

    /// <summary>
    /// Checks the answers, from the HTML form or from the API alike; an empty list means they are accepted.
    /// First the bounds (at most <see cref="MaxAnswerCount"/> values, texts of at most <see cref="MaxTextLength"/>),
    /// then names the form does not have when it is closed, then the generated rules (one message per field, in the
    /// current UI culture's language), then the JSON Schema itself: what it refuses that the rules did not already
    /// report becomes a plain message on the field, or on the form (<see cref="FieldError.Field"/> empty).
    /// </summary>
    /// <param name="answers">The answers.</param>
    /// <param name="today">The day in Tanzania that a date marked <c>x-not-future</c> must not pass; today by the system
    /// clock when not given.</param>
    public IReadOnlyList<FieldError> Validate(JsonObject answers, DateOnly? today = null)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var bounds = OutOfBounds(answers);
        if (bounds.Count > 0)
        {
            return bounds;
        }

        var errors = new List<FieldError>(UnknownNames(answers, Fields, ClosesProperties, "").Take(MaxUnknownReported));
        var hasUnknown = errors.Count > 0;
        var context = new FluentValidation.ValidationContext<JsonObject>(answers);
        context.RootContextData[AnswerRules.TodayKey] = today ?? DateAnswer.Today(TimeProvider.System);
        foreach (var failure in _rules.Validate(context).Errors)
        {
            if (!errors.Exists(e => e.Field == failure.PropertyName))
            {
                errors.Add(new FieldError(failure.PropertyName, failure.ErrorMessage));
            }
        }

        foreach (var (path, keyword) in _guard.Failures(answers))
        {
            var (field, exact) = NearestField(path);
            var covered = errors.Exists(e => e.Field == field) ||
                          (!exact && hasUnknown) ||
                          (keyword == "required" && errors.Exists(e => !e.IsFormLevel && IsWithin(e.Field, path)));
            if (!covered)
            {
                errors.Add(new FieldError(field, field.Length == 0 ? FieldMessages.AnswersNotAccepted() : FieldMessages.NotAccepted(LabelFor(field))));
            }
        }

        return errors.OrderBy(e => e.IsFormLevel ? -1 : Position(e.Field)).ToArray();
    }

    /// <summary>
    /// What tells this application apart from the citizen's others in their list: the answer to the field marked
    /// <c>"x-summary": true</c> (the child's name, the business's name), else the first text answered at the top of
    /// the form that is not a choice or a date; null when there is none. At most 80 characters.
    /// </summary>
    public string? SummaryOf(JsonObject? answers)
    {
        if (answers is null)
        {
            return null;
        }

        var texts = Fields.Where(f => f.Type == FieldType.String && !f.IsEnum && !f.IsDate)
            .Select(f => (Field: f, Text: AnswerRules.Text(answers[f.Name])?.Trim()))
            .Where(x => !string.IsNullOrEmpty(x.Text))
            .ToArray();
        var chosen = texts.FirstOrDefault(x => x.Field.IsSummary).Text ?? texts.FirstOrDefault().Text;
        if (chosen is null)
        {
            return null;
        }

        var line = string.Join(' ', chosen.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (line.Length <= 80)
        {
            return line;
        }

        var cut = char.IsHighSurrogate(line[78]) ? 78 : 79;
        return line[..cut] + "…";
    }

    /// <summary>The field a path names (<c>directors[0].nin</c> → the <c>nin</c> field of a director), if the form has it.</summary>
    public FormField? FieldAt(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FormField? current = null;
        var fields = Fields;
        foreach (var (name, index) in FieldPath.Steps(path))
        {
            if (index is not null)
            {
                if (current?.Type != FieldType.Array || current.Items is null)
                {
                    return null;
                }

                current = current.Items;
                fields = current.Fields;
                continue;
            }

            current = fields.FirstOrDefault(f => f.Name == name);
            if (current is null)
            {
                return null;
            }

            fields = current.Fields;
        }

        return current;
    }

    /// <summary>
    /// How a field is named to the person: its title in the current language, with the list entry it belongs to:
    /// «Jina (Wakurugenzi 2)», “Name (Directors 2)”.
    /// </summary>
    public string LabelFor(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var steps = new List<(FormField Field, int? Index)>();
        var fields = Fields;
        FormField? current = null;
        foreach (var (name, index) in FieldPath.Steps(path))
        {
            if (index is { } i && current is { Type: FieldType.Array })
            {
                steps[^1] = (current, i);
                current = current.Items;
                fields = current?.Fields ?? [];
                continue;
            }

            current = name is null ? null : fields.FirstOrDefault(f => f.Name == name);
            if (current is null)
            {
                return path;
            }

            steps.Add((current, null));
            fields = current.Fields;
        }

        if (steps.Count == 0)
        {
            return Title.Current;
        }

        static string Named((FormField Field, int? Index) step) =>
            step.Index is { } i ? step.Field.TitleText + " " + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : step.Field.TitleText;

        var label = Named(steps[^1]);
        return steps.Count == 1 ? label : label + " (" + string.Join(", ", steps.Take(steps.Count - 1).Reverse().Select(Named)) + ")";
    }

    /// <summary>The answer at a path, or null.</summary>
    public static JsonNode? ValueAt(JsonObject? answers, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        JsonNode? node = answers;
        foreach (var (name, index) in FieldPath.Steps(path))
        {
            node = (name, index, node) switch
            {
                (not null, _, JsonObject o) => o[name],
                (_, { } i, JsonArray a) when i < a.Count => a[i],
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    private static bool IsWithin(string field, string parent) =>
        parent.Length == 0 || field.StartsWith(parent + ".", StringComparison.Ordinal) || field.StartsWith(parent + "[", StringComparison.Ordinal);

    private IReadOnlyList<FieldError> OutOfBounds(JsonObject answers)
    {
        var count = 0;
        var tooLong = new List<FieldError>();
        var pending = new Stack<(JsonNode? Node, string Path, int Depth)>();
        pending.Push((answers, "", 0));
        while (pending.Count > 0)
        {
            var (node, path, depth) = pending.Pop();
            switch (node)
            {
                case JsonObject o:
                    count += o.Count;
                    if (count > MaxAnswerCount || depth > 16)
                    {
                        return [new FieldError("", FieldMessages.TooManyAnswers(MaxAnswerCount))];
                    }

                    foreach (var (name, child) in o)
                    {
                        pending.Push((child, FieldPath.Child(path, name), depth + 1));
                    }

                    break;
                case JsonArray a:
                    count += a.Count;
                    if (count > MaxAnswerCount || depth > 16)
                    {
                        return [new FieldError("", FieldMessages.TooManyAnswers(MaxAnswerCount))];
                    }

                    for (var i = 0; i < a.Count; i++)
                    {
                        pending.Push((a[i], FieldPath.Item(path, i), depth + 1));
                    }

                    break;
                case JsonValue when AnswerRules.Text(node) is { Length: > MaxTextLength }:
                    var (field, _) = NearestField(path);
                    tooLong.Add(new FieldError(field, FieldMessages.WayTooLong(field.Length == 0 ? path : LabelFor(field), MaxTextLength)));
                    break;
            }
        }

        return tooLong.DistinctBy(e => e.Field).OrderBy(e => Position(e.Field)).ToArray();
    }

    private static IEnumerable<FieldError> UnknownNames(JsonObject answers, IReadOnlyList<FormField> fields, bool closed, string parent)
    {
        foreach (var (name, value) in answers)
        {
            var field = fields.FirstOrDefault(f => f.Name == name);
            var path = FieldPath.Child(parent, name);
            if (field is null)
            {
                if (closed)
                {
                    yield return new FieldError("", FieldMessages.UnknownField(path.Length > 60 ? path[..60] + "…" : path));
                }

                continue;
            }

            var inner = field switch
            {
                { Type: FieldType.Object } when value is JsonObject group =>
                    UnknownNames(group, field.Fields, field.ClosesProperties, path),
                { Type: FieldType.Array, Items: { Type: FieldType.Object } items } when value is JsonArray list =>
                    list.Select((item, i) => (item, i)).Where(x => x.item is JsonObject)
                        .SelectMany(x => UnknownNames((JsonObject)x.item!, items.Fields, items.ClosesProperties, FieldPath.Item(path, x.i))),
                _ => [],
            };
            foreach (var error in inner)
            {
                yield return error;
            }
        }
    }

    /// <summary>The deepest path of a field the form has, and whether that is the whole path.</summary>
    private (string Path, bool Exact) NearestField(string path)
    {
        var known = "";
        var walked = "";
        foreach (var (name, index) in FieldPath.Steps(path))
        {
            walked = index is { } i ? FieldPath.Item(walked, i) : FieldPath.Child(walked, name!);
            if (FieldAt(walked) is null)
            {
                return (known, false);
            }

            // An entry of a list of groups has no input of its own: its list stands for it.
            if (index is null || FieldAt(walked) is not { Type: FieldType.Object })
            {
                known = walked;
            }
        }

        return (known, known == path);
    }

    private int Position(string path)
    {
        var template = string.Concat(FieldPath.Steps(path).Where(s => s.Name is not null).Select((s, i) => (i == 0 ? "" : ".") + s.Name));
        var position = Array.IndexOf(_fieldOrder, template);
        return position < 0 ? int.MaxValue : position;
    }

    private static IEnumerable<string> Templates(IReadOnlyList<FormField> fields, string parent)
    {
        foreach (var field in fields)
        {
            var path = FieldPath.Child(parent, field.Name);
            yield return path;
            var children = field.Type == FieldType.Array ? field.Items?.Fields ?? [] : field.Fields;
            foreach (var child in Templates(children, path))
            {
                yield return child;
            }
        }
    }
}
