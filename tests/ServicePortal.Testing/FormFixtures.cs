using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using ServicePortal.Catalog;
using ServicePortal.Catalog.Forms;

namespace ServicePortal.Testing;

/// <summary>The catalogue's seeded forms (the embedded <c>Seed/catalog.json</c>, as the seeder reads it) and small helpers.</summary>
public static class FormFixtures
{
    private static readonly Lazy<IReadOnlyDictionary<string, JsonElement>> SeedFile = new(() =>
    {
        using var stream = typeof(CatalogModule).Assembly.GetManifestResourceStream("ServicePortal.Catalog.Seed.catalog.json")
                           ?? throw new InvalidOperationException("Seed/catalog.json is not embedded in the Catalog assembly.");
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("forms").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.Clone());
    });

    public static IReadOnlyDictionary<string, JsonElement> SeededSchemas => SeedFile.Value;

    public static ApplicationForm Seeded(string code) => ApplicationForm.Parse(SeededSchemas[code]);

    public static ApplicationForm FromJson(string schema)
    {
        using var document = JsonDocument.Parse(schema);
        return ApplicationForm.Parse(document.RootElement.Clone());
    }

    public static JsonObject Answers(string json) => JsonNode.Parse(json)!.AsObject();

    public static IFormCollection Posted(params (string Name, string Value)[] fields) =>
        new FormCollection(fields.GroupBy(f => f.Name).ToDictionary(g => g.Key, g => new StringValues(g.Select(f => f.Value).ToArray())));

    /// <summary>Runs <paramref name="action"/> with the UI culture a request in that language would have.</summary>
    public static T In<T>(string language, Func<T> action)
    {
        var saved = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo(language);
        try
        {
            return action();
        }
        finally
        {
            CultureInfo.CurrentUICulture = saved;
        }
    }

    public static string? MessageFor(this IReadOnlyList<FieldError> errors, string field) =>
        errors.SingleOrDefault(e => e.Field == field)?.Message;
}
