using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ServicePortal.Catalog.Forms;

/// <summary>
/// Why a form schema is refused: the form's field it is about (its path: <c>licence</c>, <c>directors[].nin</c>,
/// <c>address.region</c>; empty for the form as a whole) and the reason in Kiswahili and English. The onboarding API
/// gives both languages to the agency; the apply page logs it and tells the citizen only that the form is unavailable.
/// </summary>
public sealed record FormSchemaProblem(string Field, string Sw, string En)
{
    public override string ToString() => Field.Length == 0 ? En : $"Field '{Field}': {En}";
}

/// <summary>
/// The bounds of an application form, checked once for onboarding, approval and the apply page alike
/// (<see cref="ApplicationForm.Check"/>). Each bounds something the portal pays for per form or per page view: the
/// text kept and parsed, the inputs the page draws (lists are drawn with <c>max(minItems, 3)</c> entries, and nested
/// lists multiply), the answers a valid application needs, the options of a drop-down list, the regular expressions
/// compiled and matched (each run by the non-backtracking engine, <see cref="FormPatterns"/>), and only the named
/// formats the portal checks itself (<see cref="FieldFormats"/>). The numbers are several times what the catalogue's largest form needs (the company
/// registration form: 7 fields, a list of up to 20 directors of 2 fields, depth 2).
/// </summary>
public static class FormLimits
{
    /// <summary>The schema's JSON text, in characters.</summary>
    public const int MaxSchemaCharacters = 64 * 1024;

    /// <summary>Nesting of JSON values (objects and arrays) anywhere in the schema.</summary>
    public const int MaxJsonDepth = 16;

    /// <summary>Groups and lists within each other: a field inside a group inside a list is at depth 3.</summary>
    public const int MaxFieldDepth = 4;

    /// <summary>Every field counted, those inside groups and lists included.</summary>
    public const int MaxFields = 100;

    /// <summary>The inputs the empty apply page draws, each list drawn with its rows (nested lists multiply).</summary>
    public const int MaxInputsDrawn = 500;

    /// <summary>The entries of a list: what the page reads from a posted form (<see cref="AnswerReader.MaxRows"/>).</summary>
    public const int MaxListItems = AnswerReader.MaxRows;

    /// <summary>The choices of one <c>enum</c> (every district of Tanzania fits).</summary>
    public const int MaxOptions = 300;

    /// <summary>The text of one choice.</summary>
    public const int MaxOptionLength = 200;

    /// <summary>A <c>pattern</c>, in characters (the national ID pattern is 39).</summary>
    public const int MaxPatternLength = 500;

    /// <summary>A field's name: letters, digits and <c>_</c>, starting with a letter (it names an HTML input and a path).</summary>
    public const int MaxFieldNameLength = 64;
}

/// <summary>
/// The checks on a form schema's JSON that come before it is read into fields: size, nesting, the keywords the engine
/// refuses, and every field's own keywords against <see cref="FormLimits"/>. The first problem found is returned.
/// </summary>
internal static partial class FormSchemaCheck
{
    public const string Dialect = "https://json-schema.org/draft/2020-12/schema";

    private static readonly HashSet<string> KnownTypes = new(StringComparer.Ordinal) { "string", "integer", "number", "boolean", "object", "array", "null" };

    // $ref and its kin let a small schema be evaluated an exponential number of times (two references to a definition
    // that holds two references to the next...), and could name schemas outside the form. patternProperties matches
    // property names with regular expressions that have no time limit in the evaluator. A form needs none of them.
    private static readonly HashSet<string> RefusedKeywords = new(StringComparer.Ordinal)
    {
        "$ref", "$dynamicRef", "$recursiveRef", "patternProperties",
    };

    // Values that are data, not schemas: their keys are not keywords.
    private static readonly HashSet<string> DataKeywords = new(StringComparer.Ordinal)
    {
        "enum", "const", "default", "examples", "x-title", "x-description", "x-enum-titles", "title", "description",
    };

    public static FormSchemaProblem? Check(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return Form("Fomu iwe JSON Schema ya aina object.", "The form must be a JSON Schema object.");
        }

        if (schema.GetRawText().Length > FormLimits.MaxSchemaCharacters)
        {
            return Form($"Fomu isizidi KB {FormLimits.MaxSchemaCharacters / 1024}.",
                $"The form must not be larger than {FormLimits.MaxSchemaCharacters / 1024} KB.");
        }

        if (JsonDepth(schema, 0) > FormLimits.MaxJsonDepth)
        {
            return Form($"Fomu ina kina kirefu mno (zaidi ya ngazi {FormLimits.MaxJsonDepth} za JSON).",
                $"The form is nested too deeply (more than {FormLimits.MaxJsonDepth} levels of JSON).");
        }

        if (schema.TryGetProperty("$schema", out var dialect) && (dialect.ValueKind != JsonValueKind.String || dialect.GetString() != Dialect))
        {
            return Form($"$schema iwe {Dialect}.", $"$schema must be {Dialect}.");
        }

        if (RefusedKeyword(schema, "") is { } refused)
        {
            return refused;
        }

        if (!schema.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "object")
        {
            return Form("Fomu iwe na \"type\": \"object\".", "The form must have \"type\": \"object\".");
        }

        if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object ||
            !properties.EnumerateObject().Any())
        {
            return Form("Fomu iwe na \"properties\" (kitu chenye sehemu moja au zaidi za fomu).",
                "The form must have \"properties\", an object of at least one field.");
        }

        var walk = new Walk();
        if (walk.Group(schema, "", depth: 0, copies: 1, required: 1) is { } problem)
        {
            return problem;
        }

        if (walk.Fields > FormLimits.MaxFields)
        {
            return Form($"Fomu ina sehemu {walk.Fields}; zisizidi {FormLimits.MaxFields}.",
                $"The form has {walk.Fields} fields; at most {FormLimits.MaxFields}.");
        }

        return walk.Inputs > FormLimits.MaxInputsDrawn
            ? Form($"Ukurasa wa kuomba ungechora sehemu za kujaza {walk.Inputs}; zisizidi {FormLimits.MaxInputsDrawn}. Punguza minItems au sehemu ndani ya orodha.",
                $"The apply page would draw {walk.Inputs} inputs; at most {FormLimits.MaxInputsDrawn}. Lower minItems, or the fields inside lists.")
            : null;
    }

    private static FormSchemaProblem Form(string sw, string en) => new("", sw, en);

    private static FormSchemaProblem Field(string path, string sw, string en) =>
        new(path, $"Sehemu «{path}» ya fomu: {sw}", $"Form field '{path}': {en}");

    private static int JsonDepth(JsonElement element, int depth) => element.ValueKind switch
    {
        _ when depth > FormLimits.MaxJsonDepth => depth,
        JsonValueKind.Object => element.EnumerateObject().Select(p => JsonDepth(p.Value, depth + 1)).DefaultIfEmpty(depth + 1).Max(),
        JsonValueKind.Array => element.EnumerateArray().Select(e => JsonDepth(e, depth + 1)).DefaultIfEmpty(depth + 1).Max(),
        _ => depth,
    };

    /// <summary>A refused keyword anywhere a schema can be (data values such as enum and const are not looked into).</summary>
    private static FormSchemaProblem? RefusedKeyword(JsonElement element, string where)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (RefusedKeywords.Contains(property.Name))
                    {
                        return Form($"Neno \"{property.Name}\" halikubaliki katika fomu{Where(where)}: fomu ijitosheleze bila marejeo.",
                            $"\"{property.Name}\" is not accepted in a form{Where(where)}: a form must stand on its own, without references.");
                    }

                    if (!DataKeywords.Contains(property.Name) && !property.Name.StartsWith("x-", StringComparison.Ordinal) &&
                        RefusedKeyword(property.Value, where.Length == 0 ? property.Name : where + "/" + property.Name) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (RefusedKeyword(item, where + "/" + i.ToString(CultureInfo.InvariantCulture)) is { } found)
                    {
                        return found;
                    }

                    i++;
                }

                return null;
            default:
                return null;
        }
    }

    private static string Where(string where) => where.Length == 0 ? "" : $" ({where})";

    /// <summary>The fields, depth first, with what they cost: fields counted, inputs the empty page draws.</summary>
    private sealed class Walk
    {
        public int Fields { get; private set; }

        public long Inputs { get; private set; }

        /// <param name="copies">How many times the empty page draws this group (the rows of the lists it is in).</param>
        /// <param name="required">How many copies of it a valid application must fill (the minItems of those lists).</param>
        public FormSchemaProblem? Group(JsonElement schema, string path, int depth, long copies, long required)
        {
            if (!schema.TryGetProperty("properties", out var properties))
            {
                return null;
            }

            if (properties.ValueKind != JsonValueKind.Object)
            {
                return path.Length == 0
                    ? Form("\"properties\" iwe kitu.", "\"properties\" must be an object.")
                    : Field(path, "\"properties\" iwe kitu.", "\"properties\" must be an object.");
            }

            if (schema.TryGetProperty("required", out var names) &&
                (names.ValueKind != JsonValueKind.Array ||
                 names.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String || !properties.TryGetProperty(r.GetString()!, out _))))
            {
                return path.Length == 0
                    ? Form("\"required\" iwe orodha ya majina ya sehemu zilizopo.", "\"required\" must list names of existing fields.")
                    : Field(path, "\"required\" iwe orodha ya majina ya sehemu zilizopo.", "\"required\" must list names of existing fields.");
            }

            if (schema.TryGetProperty("x-order", out var order) &&
                (order.ValueKind != JsonValueKind.Array ||
                 order.EnumerateArray().Any(n => n.ValueKind != JsonValueKind.String || !properties.TryGetProperty(n.GetString()!, out _)) ||
                 order.EnumerateArray().Select(n => n.GetString()).Distinct(StringComparer.Ordinal).Count() != order.GetArrayLength()))
            {
                return path.Length == 0
                    ? Form("\"x-order\" iwe orodha ya majina ya sehemu zilizopo, kila jina mara moja.", "\"x-order\" must list names of existing fields, each once.")
                    : Field(path, "\"x-order\" iwe orodha ya majina ya sehemu zilizopo, kila jina mara moja.", "\"x-order\" must list names of existing fields, each once.");
            }

            foreach (var property in properties.EnumerateObject())
            {
                var child = FieldPath.Child(path, property.Name);
                if (!FieldName().IsMatch(property.Name))
                {
                    return Field(child,
                        $"jina liwe herufi, tarakimu na _ tu, likianza na herufi (herufi 1 hadi {FormLimits.MaxFieldNameLength}).",
                        $"the name must be letters, digits and _ only, starting with a letter (1 to {FormLimits.MaxFieldNameLength} characters).");
                }

                if (FieldSchema(property.Value, child, depth + 1, copies, required) is { } problem)
                {
                    return problem;
                }
            }

            return null;
        }

        private FormSchemaProblem? FieldSchema(JsonElement schema, string path, int depth, long copies, long required)
        {
            Fields++;
            if (Fields > FormLimits.MaxFields)
            {
                return null; // reported once, with the count, by the caller
            }

            if (depth > FormLimits.MaxFieldDepth)
            {
                return Field(path, $"vikundi na orodha ndani ya vingine visizidi ngazi {FormLimits.MaxFieldDepth}.",
                    $"groups and lists within each other must not go deeper than {FormLimits.MaxFieldDepth} levels.");
            }

            if (schema.ValueKind != JsonValueKind.Object || TypeOf(schema) is not { } type)
            {
                return Field(path, "iwe kitu chenye \"type\" inayojulikana (string, integer, number, boolean, object, array).",
                    "it must be an object with a known \"type\" (string, integer, number, boolean, object, array).");
            }

            if ((Lengths(schema, path) ?? Range(schema, path) ?? Pattern(schema, path) ?? Format(schema, path) ?? Options(schema, path) ?? Flags(schema, path, type)) is { } problem)
            {
                return problem;
            }

            switch (type)
            {
                case "object":
                    return Group(schema, path, depth, copies, required);
                case "array":
                    var minItems = Count(schema, "minItems") ?? 0;
                    var maxItems = Count(schema, "maxItems");
                    if (minItems > FormLimits.MaxListItems || maxItems > FormLimits.MaxListItems)
                    {
                        return Field(path, $"orodha isizidi vipengele {FormLimits.MaxListItems} (minItems na maxItems).",
                            $"a list must not have more than {FormLimits.MaxListItems} entries (minItems and maxItems).");
                    }

                    if (maxItems is { } most && minItems > most)
                    {
                        return Field(path, "minItems isizidi maxItems.", "minItems must not be more than maxItems.");
                    }

                    // What a valid application must fill, and what the empty page draws, multiply through nested lists.
                    var mustFill = required * Math.Max(minItems, 1);
                    if (minItems > 0 && mustFill > ApplicationForm.MaxAnswerCount)
                    {
                        return Field(path, $"minItems za orodha zilizo ndani ya nyingine zinadai majibu {mustFill}; yasizidi {ApplicationForm.MaxAnswerCount}.",
                            $"the minItems of nested lists ask for {mustFill} answers; at most {ApplicationForm.MaxAnswerCount}.");
                    }

                    var rows = Math.Min(Math.Max(minItems, ApplicationFormView.EmptyRowsShown), maxItems ?? FormLimits.MaxListItems);
                    if (!schema.TryGetProperty("items", out var items))
                    {
                        Inputs += copies * rows;
                        return null;
                    }

                    if (items.ValueKind != JsonValueKind.Object)
                    {
                        return Field(path, "\"items\" iwe kitu.", "\"items\" must be an object.");
                    }

                    // The entry of a list is drawn as its own field ("directors[]"), counted as one.
                    return FieldSchema(items, path + "[]", depth + 1, copies * rows, minItems > 0 ? mustFill : 0);
                default:
                    // A date is three boxes: day, month and year.
                    Inputs += IsDate(schema) ? copies * 3 : copies;
                    return null;
            }
        }

        private static bool IsDate(JsonElement schema) =>
            schema.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String && format.GetString() == "date";

        /// <summary>The portal's own yes/no keywords: <c>x-summary</c> on a text, <c>x-not-future</c> on a date.</summary>
        private static FormSchemaProblem? Flags(JsonElement schema, string path, string type)
        {
            if (schema.TryGetProperty("x-summary", out var summary) &&
                (summary.ValueKind is not (JsonValueKind.True or JsonValueKind.False) || (summary.ValueKind == JsonValueKind.True && type != "string")))
            {
                return Field(path, "x-summary iwe true au false, na true kwa sehemu ya maandishi tu.",
                    "x-summary must be true or false, and true only on a text field.");
            }

            if (schema.TryGetProperty("x-not-future", out var notFuture) &&
                (notFuture.ValueKind is not (JsonValueKind.True or JsonValueKind.False) || (notFuture.ValueKind == JsonValueKind.True && !IsDate(schema))))
            {
                return Field(path, "x-not-future iwe true au false, na true kwa tarehe tu (\"format\": \"date\").",
                    "x-not-future must be true or false, and true only on a date (\"format\": \"date\").");
            }

            return null;
        }

        private static string? TypeOf(JsonElement schema)
        {
            if (!schema.TryGetProperty("type", out var type))
            {
                return null;
            }

            string?[] names = type.ValueKind switch
            {
                JsonValueKind.String => [type.GetString()],
                JsonValueKind.Array when type.GetArrayLength() is > 0 and <= 2 =>
                    [.. type.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String ? t.GetString() : null)],
                _ => [null],
            };
            if (names.Any(n => n is null || !KnownTypes.Contains(n)))
            {
                return null;
            }

            // ["integer", "null"]: the first type that is not null, as the reader draws it.
            return names.FirstOrDefault(n => n != "null");
        }

        private static FormSchemaProblem? Lengths(JsonElement schema, string path)
        {
            var min = Count(schema, "minLength");
            var max = Count(schema, "maxLength");
            if (min > ApplicationForm.MaxTextLength)
            {
                return Field(path, $"minLength isizidi {ApplicationForm.MaxTextLength} (jibu refu kuliko hilo halipokelewi).",
                    $"minLength must not be more than {ApplicationForm.MaxTextLength} (no longer answer is accepted).");
            }

            return min > max ? Field(path, "minLength isizidi maxLength.", "minLength must not be more than maxLength.") : null;
        }

        private static FormSchemaProblem? Range(JsonElement schema, string path) =>
            Number(schema, "minimum") is { } min && Number(schema, "maximum") is { } max && min > max
                ? Field(path, "minimum isizidi maximum.", "minimum must not be more than maximum.")
                : null;

        private static FormSchemaProblem? Pattern(JsonElement schema, string path)
        {
            if (!schema.TryGetProperty("pattern", out var pattern))
            {
                return null;
            }

            if (pattern.ValueKind != JsonValueKind.String || pattern.GetString()!.Length > FormLimits.MaxPatternLength)
            {
                return Field(path, $"pattern iwe maandishi ya herufi zisizozidi {FormLimits.MaxPatternLength}.",
                    $"the pattern must be text of at most {FormLimits.MaxPatternLength} characters.");
            }

            return FormPatterns.TryCompile(pattern.GetString()!, out var sw, out var en) is null ? Field(path, sw, en) : null;
        }

        /// <summary>Only the formats the portal checks itself (<see cref="FieldFormats"/>).</summary>
        private static FormSchemaProblem? Format(JsonElement schema, string path)
        {
            if (!schema.TryGetProperty("format", out var format))
            {
                return null;
            }

            var names = string.Join(", ", FieldFormats.Names);
            return format.ValueKind == JsonValueKind.String && FieldFormats.Find(format.GetString()) is not null
                ? null
                : Field(path, $"format iwe mojawapo ya: {names}. Kwa kanuni nyingine tumia pattern.",
                    $"the format must be one of: {names}. For any other rule use a pattern.");
        }

        private static FormSchemaProblem? Options(JsonElement schema, string path)
        {
            if (!schema.TryGetProperty("enum", out var values))
            {
                return null;
            }

            if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
            {
                return Field(path, "enum iwe orodha ya majibu yasiyopungua moja.", "enum must be a list of at least one answer.");
            }

            if (values.GetArrayLength() > FormLimits.MaxOptions)
            {
                return Field(path, $"majibu ya enum yasizidi {FormLimits.MaxOptions}.", $"enum must have at most {FormLimits.MaxOptions} answers.");
            }

            return values.EnumerateArray().Any(v => v.ValueKind is JsonValueKind.Object or JsonValueKind.Array ||
                                                    (v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()).Length > FormLimits.MaxOptionLength)
                ? Field(path, $"kila jibu la enum liwe neno, namba au ndiyo/hapana la herufi zisizozidi {FormLimits.MaxOptionLength}.",
                    $"every enum answer must be a text, number or yes/no of at most {FormLimits.MaxOptionLength} characters.")
                : null;
        }

        private static long? Count(JsonElement schema, string keyword) =>
            schema.TryGetProperty(keyword, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) && d >= 0
                ? d > int.MaxValue ? int.MaxValue : (long)decimal.Truncate(d)
                : null;

        private static decimal? Number(JsonElement schema, string keyword) =>
            schema.TryGetProperty(keyword, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) ? d : null;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,63}$")]
    private static partial Regex FieldName();
}
