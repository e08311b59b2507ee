using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace ServicePortal.Catalog.Forms;

/// <summary>
/// The final check: the whole answers evaluated against the form's JSON Schema (JsonSchema.Net), so every keyword
/// holds, including those the generated rules do not know (<c>const</c>, <c>multipleOf</c>, <c>allOf</c>...).
/// It yields where the schema failed; <see cref="ApplicationForm.Validate"/> turns what the rules missed into a
/// plain message.
/// </summary>
internal sealed class SchemaGuard
{
    private static readonly EvaluationOptions Evaluation = new()
    {
        OutputFormat = OutputFormat.List,
        // A date must be a date here too, whatever the 2020-12 default (format as an annotation only).
        RequireFormatValidation = true,
    };

    // Draft 2020-12 with the portal's pattern matching (non-backtracking, BoundedPatternKeyword) and only its named
    // formats (AllowedFormatKeyword).
    private static readonly Dialect FormDialect = Dialect.Draft202012
        .Without([Json.Schema.Keywords.PatternKeyword.Instance, Json.Schema.Keywords.Draft06.FormatKeyword.Validate,
            Json.Schema.Keywords.Draft06.FormatKeyword.Annotate, Json.Schema.Keywords.FormatKeyword.Instance])
        .With([BoundedPatternKeyword.Instance, AllowedFormatKeyword.Instance]);

    private readonly JsonSchema _schema;

    private SchemaGuard(JsonSchema schema) => _schema = schema;

    public static bool TryBuild(JsonElement schema, [NotNullWhen(true)] out SchemaGuard? guard, [NotNullWhen(false)] out string? error)
    {
        try
        {
            // A registry of its own: building registers the schema, and the global registry would keep every form
            // ever parsed (and refuse a second form with the same $id). The catalogue's forms are 2020-12 whether
            // or not they say so: without $schema, JsonSchema.Net 8 would take its v1 dialect, which refuses the
            // x-title annotations.
            // $schema is left out so that dialect is the one used (the catalogue allows no other than 2020-12).
            var options = new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = FormDialect };
            guard = new SchemaGuard(JsonSchema.Build(WithoutDialect(schema), options));
            error = null;
            return true;
        }
        catch (Exception e) when (e is JsonSchemaException or JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            guard = null;
            error = e.Message;
            return false;
        }
    }

    private static JsonElement WithoutDialect(JsonElement schema)
    {
        if (!schema.TryGetProperty("$schema", out _))
        {
            return schema;
        }

        var copy = System.Text.Json.Nodes.JsonNode.Parse(schema.GetRawText())!.AsObject();
        copy.Remove("$schema");
        return JsonSerializer.SerializeToElement(copy);
    }

    /// <summary>
    /// Each failure: the instance location as a field path, and the keyword that failed. An evaluation that throws
    /// (answers no keyword expected) is one failure of the whole answers, said to the citizen as such, never a 500.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Any failure to evaluate is the answers refused.")]
    public IEnumerable<(string Path, string Keyword)> Failures(JsonObject answers)
    {
        EvaluationResults results;
        try
        {
            results = _schema.Evaluate(JsonSerializer.SerializeToElement(answers), Evaluation);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return [("", "evaluation")];
        }

        return results.IsValid ? [] : Listed(results);
    }

    private static IEnumerable<(string Path, string Keyword)> Listed(EvaluationResults results)
    {
        if (results.IsValid)
        {
            yield break;
        }

        foreach (var detail in (IEnumerable<EvaluationResults>?)results.Details ?? [results])
        {
            if (detail.Errors is not { Count: > 0 } errors)
            {
                continue;
            }

            var path = ToFieldPath(detail.InstanceLocation.ToString());
            foreach (var keyword in errors.Keys)
            {
                yield return (path, keyword);
            }
        }
    }

    /// <summary><c>/directors/0/nin</c> → <c>directors[0].nin</c>.</summary>
    internal static string ToFieldPath(string pointer)
    {
        var path = "";
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            path = name.Length > 0 && name.All(char.IsAsciiDigit) && path.Length > 0
                ? path + "[" + name + "]"
                : FieldPath.Child(path, name);
        }

        return path;
    }
}
