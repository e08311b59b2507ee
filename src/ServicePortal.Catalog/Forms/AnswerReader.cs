using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace ServicePortal.Catalog.Forms;

/// <summary>
/// Reads the answers out of a posted HTML form. Only the names the form draws are looked at
/// (<c>answers.childName</c>, <c>answers.directors[0].nin</c>), so anything else posted is ignored. Text is trimmed,
/// an empty answer is left out, numbers and yes/no are converted, a date's three boxes become one answer
/// (<see cref="DateAnswer"/>); text that is not a number stays text, so the validation can say so in words.
/// </summary>
internal static class AnswerReader
{
    /// <summary>At most this many entries of a list are read, whatever the indexes posted.</summary>
    public const int MaxRows = 50;

    public static JsonObject Read(IReadOnlyList<FormField> fields, IFormCollection form, string parent)
    {
        var answers = new JsonObject();
        foreach (var field in fields)
        {
            var path = FieldPath.Child(parent, field.Name);
            if (Read(field, form, path) is { } value)
            {
                answers[field.Name] = value;
            }
        }

        return answers;
    }

    private static JsonNode? Read(FormField field, IFormCollection form, string path)
    {
        switch (field.Type)
        {
            case FieldType.Object:
                var group = Read(field.Fields, form, path);
                return group.Count > 0 ? group : null;
            case FieldType.Array:
                var list = new JsonArray();
                foreach (var index in PostedRows(form, FieldPath.InputName(path)))
                {
                    var item = field.Items is { } items ? Read(items, form, FieldPath.Item(path, index)) : Convert(FieldType.String, form[FieldPath.InputName(FieldPath.Item(path, index))]);
                    if (item is not null)
                    {
                        list.Add(item);
                    }
                }

                // Entries left empty are dropped, so the list is renumbered: the errors and the page drawn again
                // both follow the answers, not what was posted.
                return list.Count > 0 ? list : null;
            default:
                return field.IsDate ? DateAnswer.Read(form, path) : Convert(field.Type, form[FieldPath.InputName(path)]);
        }
    }

    /// <summary>The indexes posted for a list, in order, read from the names actually posted (bounded by them).</summary>
    private static IEnumerable<int> PostedRows(IFormCollection form, string listName)
    {
        var prefix = listName + "[";
        return form.Keys
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k =>
            {
                var end = k.IndexOf(']', prefix.Length);
                return end > prefix.Length && end - prefix.Length <= 3 &&
                       int.TryParse(k.AsSpan(prefix.Length, end - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var i)
                    ? i
                    : -1;
            })
            .Where(i => i is >= 0 and < MaxRows)
            .Distinct()
            .Order();
    }

    internal static JsonNode? Convert(FieldType type, StringValues posted)
    {
        var values = posted.Select(v => v?.Trim()).Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToArray();
        if (values.Length == 0)
        {
            return null;
        }

        if (type == FieldType.Boolean)
        {
            // A checkbox posts "true" after the hidden "false" that stands for it when it is not ticked.
            if (values.Any(IsYes))
            {
                return JsonValue.Create(true);
            }

            return values.Any(IsNo) ? JsonValue.Create(false) : JsonValue.Create(values[0]);
        }

        // Browsers send a textarea's line breaks as CR LF; one character per line break is what the person sees.
        var text = values[0].ReplaceLineEndings("\n");
        return type switch
        {
            FieldType.Integer when Digits(text) is { } d && d == decimal.Truncate(d) =>
                d is >= long.MinValue and <= long.MaxValue ? JsonValue.Create((long)d) : JsonValue.Create(d),
            FieldType.Number when Digits(text) is { } d => JsonValue.Create(d),
            _ => JsonValue.Create(text),
        };
    }

    /// <summary>
    /// A number as people type it: 1500000, 1,500,000 or 1 500 000 (Tanzania writes thousands with commas and
    /// decimals with a point). No exponents, no other scripts' digits: those stay text.
    /// </summary>
    private static decimal? Digits(string text)
    {
        var plain = text.Replace(",", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal)
            .Replace("\u00a0", "", StringComparison.Ordinal);
        return plain.Length is > 0 and <= 40 &&
               decimal.TryParse(plain, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d)
            ? d
            : null;
    }

    private static bool IsYes(string v) => v.ToUpperInvariant() is "TRUE" or "ON" or "YES" or "NDIYO";

    private static bool IsNo(string v) => v.ToUpperInvariant() is "FALSE" or "OFF" or "NO" or "HAPANA";
}
