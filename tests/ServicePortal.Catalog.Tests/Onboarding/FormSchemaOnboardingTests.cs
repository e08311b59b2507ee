using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServicePortal.Catalog.Tests.Onboarding;

/// <summary>
/// Onboarding refuses a form the apply page could not show, or could show only at a cost no form needs: the same
/// checker (ServicePortal.Catalog.Forms) decides for both, and its problem names the form's field.
/// </summary>
public sealed class FormSchemaOnboardingTests(OnboardingPortalFactory portal) : IClassFixture<OnboardingPortalFactory>
{
    private static string Form(string properties) =>
        """{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {""" + properties + "}}";

    /// <summary>Lists of lists, each asking for <paramref name="minItems"/> entries: minItems^depth values to fill.</summary>
    private static string NestedLists(int depth, int minItems)
    {
        var item = """{"type": "string", "x-title": {"sw": "Jina", "en": "Name"}}""";
        for (var i = 0; i < depth; i++)
        {
            item = $$"""{"type": "array", "minItems": {{minItems}}, "x-title": {"sw": "Orodha", "en": "List"}, "items": {{item}}}""";
        }

        return Form("\"rows\": " + item);
    }

    public static TheoryData<string, string, string> Refused() => new()
    {
        // Not a regular expression: approved today, and then the apply page answers 404.
        { "pattern", Form("""
            "fullName": {"type": "string", "x-title": {"sw": "Jina", "en": "Name"}},
            "licence": {"type": "string", "pattern": "(", "x-title": {"sw": "Leseni", "en": "Licence"}}
            """), "licence" },
        // A pattern that backtracks catastrophically (a back-reference cannot be run without backtracking): approved today,
        // and then every answer to it can hold a thread of the apply page.
        { "back-reference", Form("""
            "licence": {"type": "string", "pattern": "^(a+)+\\1$", "x-title": {"sw": "Leseni", "en": "Licence"}}
            """), "licence" },
        // Linear, but with an automaton of a million states.
        { "huge repetition", Form("""
            "licence": {"type": "string", "pattern": "^(a{1000}){1000}$", "x-title": {"sw": "Leseni", "en": "Licence"}}
            """), "licence" },
        // A format the portal does not check: passed silently, or (regex) the citizen's answer compiled as a pattern.
        { "format", Form("""
            "licence": {"type": "string", "format": "regex", "x-title": {"sw": "Leseni", "en": "Licence"}}
            """), "licence" },
        // 40 × 40 × 40 entries to draw and fill: a page of 64,000 inputs.
        { "minItems under nesting", NestedLists(3, 40), "rows" },
        // 300 small fields: well under 64 KB, far more than a person fills in.
        { "fields", Form(string.Join(", ", Enumerable.Range(0, 300).Select(i => $"\"f{i}\": {{\"type\": \"string\"}}"))), "300" },
        // A list that asks for more entries than it allows.
        { "minItems over maxItems", Form("""
            "owners": {"type": "array", "minItems": 5, "maxItems": 2, "items": {"type": "string"}}
            """), "owners" },
        // Too big as text.
        { "size", Form("\"notes\": {\"type\": \"string\", \"x-description\": {\"sw\": \"" + new string('a', 70_000) + "\", \"en\": \"x\"}}"), "64" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_form_the_apply_page_cannot_draw_is_refused_with_a_problem_naming_the_field(string why, string schema, string named)
    {
        var agency = await portal.CreateAgencyAsync();
        using var api = await portal.AgencyApiAsync(agency);
        var service = OnboardingApiTests.ValidService();
        service["formSchema"] = JsonNode.Parse(schema);

        var response = await api.PutAsJsonAsync($"/api/agency/services/{agency}-leseni", service);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: {response.StatusCode}");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var message = problem.GetProperty("errors").GetProperty("formSchema")[0].GetString()!;
        Assert.Contains(named, message, StringComparison.Ordinal);
        Assert.Contains(" / ", message, StringComparison.Ordinal); // Kiswahili / English
        Assert.Equal(0, await portal.CountAsync("SELECT count(*) FROM catalog.proposals WHERE key = @key", new { key = $"{agency}-leseni" }));
    }
}
