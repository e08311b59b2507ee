using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;

namespace ServicePortal.Catalog.Forms;

/// <summary>
/// <c>pattern</c> for the schema evaluation, run as the generated rules run it (<see cref="FormPatterns"/>: the
/// non-backtracking engine, with a time limit). JsonSchema.Net's own keyword backtracks with no timeout, so a pattern
/// such as <c>^(a+)+$</c> and a few thousand characters from outside would hold a thread for hours.
/// </summary>
internal sealed class BoundedPatternKeyword : IKeywordHandler
{
    public static BoundedPatternKeyword Instance { get; } = new();

    public string Name => "pattern";

    public object? ValidateKeywordValue(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String || value.GetString()!.Length > FormLimits.MaxPatternLength)
        {
            throw new JsonSchemaException($"'pattern' must be a string of at most {FormLimits.MaxPatternLength} characters.");
        }

        try
        {
            return FormSchemaReader.Compile("pattern", value.GetString()!);
        }
        catch (FormatException e)
        {
            throw new JsonSchemaException(e.Message, e);
        }
    }

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

        return FormPatterns.Matches((Regex)keyword.Value!, context.Instance.GetString()!)
            ? new KeywordEvaluation { Keyword = Name, IsValid = true }
            : new KeywordEvaluation { Keyword = Name, IsValid = false, Error = "The string does not match the pattern (or took too long to match)." };
    }
}
