using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;

namespace ServicePortal.Catalog.Forms;

/// <summary>
/// <c>pattern</c> for the schema evaluation, with a time limit. JsonSchema.Net matches with no timeout, so a pattern
/// such as <c>^(a+)+$</c> and a few thousand characters from outside would hold a thread for hours; here a match
/// that takes too long fails, as in the generated rules.
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

        var regex = (Regex)keyword.Value!;
        bool matches;
        try
        {
            matches = regex.IsMatch(context.Instance.GetString()!);
        }
        catch (RegexMatchTimeoutException)
        {
            matches = false;
        }

        return matches
            ? new KeywordEvaluation { Keyword = Name, IsValid = true }
            : new KeywordEvaluation { Keyword = Name, IsValid = false, Error = "The string does not match the pattern (or took too long to match)." };
    }
}
