using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace ServicePortal.Identity.OpenIdConnect.Stores;

/// <summary>
/// The jsonb columns of the OpenIddict tables, as OpenIddict's own stores shape them: additional properties as
/// an object of JSON values, localized texts as an object keyed by culture name, settings as an object of
/// strings. An empty map is stored as NULL.
/// </summary>
internal static class OidcStoreJson
{
    public static ImmutableDictionary<string, JsonElement> ReadProperties(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return ImmutableDictionary.Create<string, JsonElement>(StringComparer.Ordinal);
        }

        using var document = JsonDocument.Parse(json);
        var builder = ImmutableDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            // Clone: the element must outlive the document it was parsed from.
            builder[property.Name] = property.Value.Clone();
        }

        return builder.ToImmutable();
    }

    public static string? WriteProperties(ImmutableDictionary<string, JsonElement>? properties) =>
        properties is null or { IsEmpty: true } ? null : JsonSerializer.Serialize(properties);

    public static ImmutableDictionary<string, string> ReadStrings(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return ImmutableDictionary.Create<string, string>(StringComparer.Ordinal);
        }

        using var document = JsonDocument.Parse(json);
        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            builder[property.Name] = property.Value.GetString()!;
        }

        return builder.ToImmutable();
    }

    public static string? WriteStrings(ImmutableDictionary<string, string>? values) =>
        values is null or { IsEmpty: true } ? null : JsonSerializer.Serialize(values);

    public static ImmutableDictionary<CultureInfo, string> ReadLocalized(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return ImmutableDictionary.Create<CultureInfo, string>();
        }

        using var document = JsonDocument.Parse(json);
        var builder = ImmutableDictionary.CreateBuilder<CultureInfo, string>();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            builder[CultureInfo.GetCultureInfo(property.Name)] = property.Value.GetString()!;
        }

        return builder.ToImmutable();
    }

    public static string? WriteLocalized(ImmutableDictionary<CultureInfo, string>? values) =>
        values is null or { IsEmpty: true }
            ? null
            : JsonSerializer.Serialize(values.ToDictionary(pair => pair.Key.Name, pair => pair.Value, StringComparer.Ordinal));

    public static string[] WriteList(ImmutableArray<string> values) =>
        values.IsDefaultOrEmpty ? [] : [.. values];

    public static ImmutableArray<string> ReadList(string[]? values) =>
        values is null or { Length: 0 } ? [] : [.. values];
}
