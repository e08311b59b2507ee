using System.Text.Json;
using ServicePortal.Catalog.Forms;

namespace ServicePortal.Catalog.Tests.Forms;

/// <summary>
/// The one check of a form schema (onboarding, approval and the apply page use it alike): each limit of
/// <see cref="FormLimits"/> refuses with the form's field named, and just within it the form is read.
/// </summary>
public sealed class FormLimitsTests
{
    private static FormSchemaProblem? Check(string schema)
    {
        using var document = JsonDocument.Parse(schema);
        return ApplicationForm.Check(document.RootElement);
    }

    private static string Form(string properties) => """{"type": "object", "properties": {""" + properties + "}}";

    private static string Fields(int count, string type = "string") =>
        string.Join(", ", Enumerable.Range(0, count).Select(i => $"\"f{i}\": {{\"type\": \"{type}\"}}"));

    private static string List(string name, int? minItems, int? maxItems, string items) => $"\"{name}\": " + ListOf(minItems, maxItems, items);

    private static string ListOf(int? minItems, int? maxItems, string items) =>
        "{\"type\": \"array\"" + (minItems is { } min ? $", \"minItems\": {min}" : "") +
        (maxItems is { } max ? $", \"maxItems\": {max}" : "") + ", \"items\": " + items + "}";

    public static TheoryData<string, string> Refused() => new()
    {
        { Form("\"licence\": {\"type\": \"string\", \"pattern\": \"(\"}"), "licence" },
        { Form("\"licence\": {\"type\": \"string\", \"pattern\": \"" + new string('a', FormLimits.MaxPatternLength + 1) + "\"}"), "licence" },
        { Form("\"owners\": {\"type\": \"object\", \"properties\": {\"nin\": {\"type\": \"string\", \"pattern\": \"[\"}}}"), "owners.nin" },
        // What the non-backtracking engine cannot run in linear time: refused, so no agency's pattern can hang the page.
        { Form("\"licence\": {\"type\": \"string\", \"pattern\": \"^(a+)\\\\1$\"}"), "licence" },
        { Form("\"licence\": {\"type\": \"string\", \"pattern\": \"^(?=a)(a+)+$\"}"), "licence" },
        { Form("\"licence\": {\"type\": \"string\", \"pattern\": \"^(a{1000}){1000}$\"}"), "licence" },
        // Only the formats the portal checks itself.
        { Form("\"licence\": {\"type\": \"string\", \"format\": \"regex\"}"), "licence" },
        { Form("\"licence\": {\"type\": \"string\", \"format\": \"tin\"}"), "licence" },
        { Form(List("rows", 20, null, ListOf(20, null, "{\"type\": \"string\"}"))), "rows[]" },
        { Form(List("rows", FormLimits.MaxListItems + 1, null, "{\"type\": \"string\"}")), "rows" },
        { Form(List("rows", null, FormLimits.MaxListItems + 1, "{\"type\": \"string\"}")), "rows" },
        { Form(List("rows", 3, 2, "{\"type\": \"string\"}")), "rows" },
        { Form("\"size\": {\"type\": \"string\", \"enum\": [" + string.Join(", ", Enumerable.Range(0, FormLimits.MaxOptions + 1).Select(i => $"\"o{i}\"")) + "]}"), "size" },
        { Form("\"size\": {\"type\": \"string\", \"enum\": [\"" + new string('o', FormLimits.MaxOptionLength + 1) + "\"]}"), "size" },
        { Form("\"name\": {\"type\": \"string\", \"minLength\": 5, \"maxLength\": 2}"), "name" },
        { Form("\"name\": {\"type\": \"string\", \"minLength\": 10001}"), "name" },
        { Form("\"age\": {\"type\": \"integer\", \"minimum\": 9, \"maximum\": 1}"), "age" },
        { Form("\"age\": {\"minimum\": 1}"), "age" },
        { Form("\"age\": {\"type\": \"weird\"}"), "age" },
        { Form("\"bad.name\": {\"type\": \"string\"}"), "bad.name" },
        { Form("\"a\": {\"type\": \"object\", \"properties\": {\"b\": {\"type\": \"object\", \"properties\": {\"c\": {\"type\": \"object\", \"properties\": {\"d\": {\"type\": \"object\", \"properties\": {\"e\": {\"type\": \"string\"}}}}}}}}}"), "a.b.c.d.e" },
        { Form("\"a\": {\"type\": \"object\", \"required\": [\"missing\"], \"properties\": {\"b\": {\"type\": \"string\"}}}"), "a" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_field_past_a_limit_is_refused_by_its_name_in_both_languages(string schema, string field)
    {
        var problem = Check(schema);

        Assert.NotNull(problem);
        Assert.Equal(field, problem.Field);
        Assert.Contains($"«{field}»", problem.Sw, StringComparison.Ordinal);
        Assert.Contains($"'{field}'", problem.En, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> RefusedForms() => new()
    {
        { Form(Fields(FormLimits.MaxFields + 1)), "101 fields" },
        // A list of lists of groups of 60 fields: each list drawn with 3 empty entries, so 3 × 3 × 60 = 540 inputs.
        { Form(List("rows", null, null, ListOf(null, null, "{\"type\": \"object\", \"properties\": {" + Fields(60) + "}}"))), "inputs" },
        { """{"type": "object", "properties": {"a": {"type": "string"}}, "$defs": {"x": {"type": "string"}}, "allOf": [{"$ref": "#/$defs/x"}]}""", "$ref" },
        { """{"type": "object", "properties": {"a": {"type": "object", "patternProperties": {"^(a+)+$": {"type": "string"}}}}}""", "patternProperties" },
        { """{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "properties": {"a": {"type": "string"}}}""", "$schema" },
        { "{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"string\"}}, \"x-description\": {\"sw\": \"" + new string('a', FormLimits.MaxSchemaCharacters) + "\", \"en\": \"x\"}}", "64 KB" },
        { """{"type": "object", "properties": {"a": {"type": "string"}}, "allOf": [{"properties": {"a": {"pattern": "(("}}}]}""", "JSON Schema" },
        { """{"type": "object", "properties": {"a": {"type": "string"}}, "allOf": [{"properties": {"a": {"format": "regex"}}}]}""", "JSON Schema" },
        { """{"type": "object", "properties": {"a": {"type": "string"}}, "allOf": [{"properties": {"a": {"pattern": "(a)\\1"}}}]}""", "JSON Schema" },
    };

    [Theory]
    [MemberData(nameof(RefusedForms))]
    public void A_form_past_a_limit_as_a_whole_is_refused_saying_which(string schema, string said)
    {
        var problem = Check(schema);

        Assert.NotNull(problem);
        Assert.Contains(said.Split(' ')[0], problem.En, StringComparison.Ordinal);
    }

    [Fact]
    public void A_form_just_within_every_limit_is_read()
    {
        // 100 fields: 96 texts, a list (of 4 to 50 entries) of lists (of 1 to 4 entries) of texts, a choice of 300.
        var schema = Form(Fields(FormLimits.MaxFields - 4) + ", " +
                          List("rows", 4, FormLimits.MaxListItems, ListOf(1, 4, "{\"type\": \"string\", \"pattern\": \"^[0-9]{3}$\"}")) +
                          ", \"size\": {\"type\": \"string\", \"enum\": [" + string.Join(", ", Enumerable.Range(0, FormLimits.MaxOptions).Select(i => $"\"o{i}\"")) + "]}");
        using var document = JsonDocument.Parse(schema);

        Assert.True(ApplicationForm.TryRead(document.RootElement, out var form, out var problem), problem?.ToString());
        Assert.Equal(FormLimits.MaxFields - 2, form.Fields.Count);
    }
}
