using System.Text.Json;
using ServicePortal.Catalog.Seed;

namespace ServicePortal.Catalog.Tests;

public sealed class SeedFileTests
{
    [Fact]
    public void Only_rita_brela_and_tra_accept_applications_through_the_portal_and_all_of_theirs_do()
    {
        var seed = DemoCatalogSeeder.Load();

        foreach (var agency in seed.Agencies)
        {
            var online = agency.Code is "rita" or "brela" or "tra";
            foreach (var service in agency.Services)
            {
                Assert.StartsWith(agency.Code.Split('-')[0], service.Code, StringComparison.Ordinal);
                if (online && service.Channels.Contains("portal"))
                {
                    Assert.NotNull(service.Form);
                    Assert.NotNull(service.SubmitPath);
                    Assert.NotNull(service.StatusPath);
                }
                else
                {
                    Assert.True(!online || service.Form is null, service.Code);
                }

                Assert.True(online || service.Form is null, $"{service.Code} of {agency.Code} must not have a portal form");
            }
        }
    }

    [Fact]
    public void Every_form_is_JSON_Schema_2020_12_with_both_languages_on_every_field()
    {
        var seed = DemoCatalogSeeder.Load();

        foreach (var (name, form) in seed.Forms)
        {
            Assert.Equal("https://json-schema.org/draft/2020-12/schema", form.GetProperty("$schema").GetString());
            Assert.Equal("object", form.GetProperty("type").GetString());
            AssertBilingual(form, name);
            foreach (var field in form.GetProperty("properties").EnumerateObject())
            {
                AssertBilingual(field.Value, $"{name}.{field.Name}");
            }

            foreach (var required in form.GetProperty("required").EnumerateArray())
            {
                Assert.True(form.GetProperty("properties").TryGetProperty(required.GetString()!, out _), $"{name} requires {required}");
            }
        }
    }

    private static void AssertBilingual(JsonElement element, string where)
    {
        var title = element.GetProperty("x-title");
        Assert.False(string.IsNullOrWhiteSpace(title.GetProperty("sw").GetString()), where);
        Assert.False(string.IsNullOrWhiteSpace(title.GetProperty("en").GetString()), where);
    }
}
