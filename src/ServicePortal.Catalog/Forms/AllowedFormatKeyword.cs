using System.Text.Json;
using Json.Schema;

namespace ServicePortal.Catalog.Forms;

/// <summary>
/// <c>format</c> for the schema evaluation: only the named formats the portal checks itself (<see cref="FieldFormats"/>),
/// anywhere in the schema (inside <c>allOf</c> too, where the field checks do not look), checked as the generated rules
/// check them. JsonSchema.Net's own keyword passes an unknown format silently and runs some known ones (<c>regex</c>:
/// the answer compiled as a regular expression) on the citizen's text.
/// </summary>
internal sealed class AllowedFormatKeyword : IKeywordHandler
{
    public static AllowedFormatKeyword Instance { get; } = new();

    public string Name => "format";

    public object? ValidateKeywordValue(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && FieldFormats.Find(value.GetString()) is { } format
            ? format
            : throw new JsonSchemaException($"'format' must be one of: {string.Join(", ", FieldFormats.Names)}.");

    public void BuildSubschemas(KeywordData keyword, BuildContext context)
    {
    }

    public KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        if (context.Instance.ValueKind != JsonValueKind.String)
        {
            return KeywordEvaluation.Ignore;
        }

        var format = (FieldFormats.Format)keyword.Value!;
        return format.Accepts(context.Instance.GetString()!)
            ? new KeywordEvaluation { Keyword = Name, IsValid = true }
            : new KeywordEvaluation { Keyword = Name, IsValid = false, Error = $"The string is not a valid '{format.Name}'." };
    }
}
