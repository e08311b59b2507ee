using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ServicePortal.Catalog.Browse;

namespace ServicePortal.Catalog.Forms;

/// <summary>Turns the schema's properties into <see cref="FormField"/>s, once per form.</summary>
internal static class FormSchemaReader
{
    // The catalogue refuses forms nested deeper than 16 levels of JSON; a field is at most half that.
    private const int MaxDepth = 8;

    public static IReadOnlyList<FormField> ReadProperties(JsonElement objectSchema, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException("The form is nested too deeply.");
        }

        if (!objectSchema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        var required = objectSchema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal)
            : [];

        // The order of the questions: x-order when the form gives it, else the order of the properties. PostgreSQL's
        // jsonb (where the catalogue keeps forms) sorts an object's keys by length, so only x-order survives storage.
        var order = Order(objectSchema);

        // A property whose schema is `true` or `false` has nothing to draw; the schema evaluation still enforces it.
        return properties.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.Object)
            .Select(p => ReadField(p.Name, p.Value, required.Contains(p.Name), depth))
            .OrderBy(f => order.TryGetValue(f.Name, out var position) ? position : int.MaxValue)
            .ToArray();
    }

    /// <summary>The position of each name in the object's <c>x-order</c> (empty when it has none).</summary>
    private static Dictionary<string, int> Order(JsonElement objectSchema)
    {
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        if (objectSchema.TryGetProperty("x-order", out var names) && names.ValueKind == JsonValueKind.Array)
        {
            foreach (var name in names.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String))
            {
                order.TryAdd(name.GetString()!, order.Count);
            }
        }

        return order;
    }

    public static Bilingual Text(JsonElement schema, string keyword, string fallbackKeyword, string? fallback)
    {
        if (schema.TryGetProperty(keyword, out var text))
        {
            if (BilingualOf(text) is { } bilingual)
            {
                return bilingual;
            }
        }

        return schema.TryGetProperty(fallbackKeyword, out var plain) && plain.ValueKind == JsonValueKind.String
            ? new Bilingual(plain.GetString()!, plain.GetString()!)
            : fallback is null ? Bilingual.Empty : new Bilingual(fallback, fallback);
    }

    private static FormField ReadField(string name, JsonElement schema, bool required, int depth)
    {
        var type = TypeOf(schema);
        var description = Text(schema, "x-description", "description", null);
        return new FormField(name, type)
        {
            Required = required,
            Title = Text(schema, "x-title", "title", name),
            Description = description.IsEmpty ? null : description,
            Format = String(schema, "format"),
            Options = Options(schema),
            MinLength = Count(schema, "minLength"),
            MaxLength = Count(schema, "maxLength"),
            Pattern = String(schema, "pattern"),
            PatternRegex = String(schema, "pattern") is { } pattern ? Compile(name, pattern) : null,
            Minimum = Number(schema, "minimum"),
            Maximum = Number(schema, "maximum"),
            MinItems = Count(schema, "minItems"),
            MaxItems = Count(schema, "maxItems"),
            Fields = type == FieldType.Object ? ReadProperties(schema, depth + 1) : [],
            ClosesProperties = type == FieldType.Object && ClosesProperties(schema),
            NotInFuture = IsTrue(schema, "x-not-future"),
            IsSummary = IsTrue(schema, "x-summary"),
            Items = type == FieldType.Array && schema.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object
                ? ReadField("", items, required: false, depth + 1)
                : null,
        };
    }

    internal static bool ClosesProperties(JsonElement schema) =>
        schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False;

    private static FieldType TypeOf(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return FieldType.String;
        }

        // ["integer", "null"]: the first type that is not null.
        var name = type.ValueKind switch
        {
            JsonValueKind.String => type.GetString(),
            JsonValueKind.Array => type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String)
                .Select(t => t.GetString()).FirstOrDefault(t => t != "null"),
            _ => null,
        };
        return name switch
        {
            "integer" => FieldType.Integer,
            "number" => FieldType.Number,
            "boolean" => FieldType.Boolean,
            "object" => FieldType.Object,
            "array" => FieldType.Array,
            _ => FieldType.String,
        };
    }

    private static EnumOption[] Options(JsonElement schema)
    {
        if (!schema.TryGetProperty("enum", out var values) || values.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var titles = schema.TryGetProperty("x-enum-titles", out var t) && t.ValueKind == JsonValueKind.Array
            ? t.EnumerateArray().ToArray()
            : [];
        return values.EnumerateArray().Select((value, i) =>
        {
            var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
            var title = i < titles.Length ? BilingualOf(titles[i]) : null;
            return new EnumOption(JsonNode.Parse(value.GetRawText()), text, title ?? new Bilingual(text, text));
        }).ToArray();
    }

    private static Bilingual? BilingualOf(JsonElement text)
    {
        if (text.ValueKind == JsonValueKind.String)
        {
            return new Bilingual(text.GetString()!, text.GetString()!);
        }

        if (text.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var sw = String(text, "sw");
        var en = String(text, "en");
        // A text given in one language only is shown in that language to everybody rather than not at all.
        return sw is null && en is null ? null : new Bilingual(sw ?? en!, en ?? sw!);
    }

    private static bool IsTrue(JsonElement schema, string keyword) =>
        schema.TryGetProperty(keyword, out var value) && value.ValueKind == JsonValueKind.True;

    private static string? String(JsonElement schema, string keyword) =>
        schema.TryGetProperty(keyword, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Count(JsonElement schema, string keyword) =>
        schema.TryGetProperty(keyword, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) &&
        d >= 0 && d == decimal.Truncate(d)
            ? d > int.MaxValue ? int.MaxValue : (int)d
            : null;

    private static decimal? Number(JsonElement schema, string keyword) =>
        schema.TryGetProperty(keyword, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) ? d : null;

    /// <summary>The pattern as the portal runs it (<see cref="FormPatterns"/>); throws <see cref="FormatException"/> if it cannot.</summary>
    internal static Regex Compile(string field, string pattern) =>
        FormPatterns.TryCompile(pattern, out _, out var why) ??
        throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"The pattern of '{field}': {why}"));
}
