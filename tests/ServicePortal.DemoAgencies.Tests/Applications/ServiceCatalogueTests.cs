using System.Text.Json;

namespace ServicePortal.DemoAgencies.Tests.Applications;

/// <summary>Each agency's services (RitaServices, BrelaServices, TraServices) say what the portal's catalogue seed says.</summary>
public sealed class ServiceCatalogueTests
{
    public static TheoryData<string> Codes => ["rita", "brela", "tra"];

    [Theory]
    [MemberData(nameof(Codes))]
    public void The_agencys_services_match_the_catalogue_seed(string code)
    {
        using var seed = JsonDocument.Parse(File.ReadAllText(SeedPath()));
        var forms = seed.RootElement.GetProperty("forms");
        var expected = seed.RootElement.GetProperty("agencies").EnumerateArray()
            .Single(agency => agency.GetProperty("code").GetString() == code)
            .GetProperty("services").EnumerateArray()
            .Where(service => service.TryGetProperty("submitPath", out _))
            .Select(service => new
            {
                Code = service.GetProperty("code").GetString(),
                SubmitPath = service.GetProperty("submitPath").GetString(),
                StatusPath = service.GetProperty("statusPath").GetString(),
                Fee = service.GetProperty("cost").GetInt32(),
                Required = string.Join(",", forms.GetProperty(service.GetProperty("form").GetString()!).GetProperty("required")
                    .EnumerateArray().Select(field => field.GetString())),
                Fields = forms.GetProperty(service.GetProperty("form").GetString()!).GetProperty("properties")
                    .EnumerateObject().Select(property => property.Name).ToList(),
            })
            .ToList();
        var catalogue = DemoAgency.Get(code).Applications!;

        Assert.Equal(expected.Select(service => service.Code), catalogue.Services.Select(service => service.Code));
        foreach (var (seeded, service) in expected.Zip(catalogue.Services))
        {
            Assert.Equal(seeded.SubmitPath, service.SubmitPath);
            Assert.Equal(seeded.StatusPath, catalogue.StatusPath);
            Assert.Equal(seeded.Fee, service.FeeTzs);
            Assert.Equal(seeded.Required, string.Join(",", service.RequiredAnswers));
            Assert.Contains(service.Correction.Field, seeded.Fields);
        }
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void Control_number_prefixes_make_12_digit_numbers_starting_with_99(string code)
    {
        Assert.Matches("^99[0-9]$", DemoAgency.Get(code).Applications!.ControlNumberPrefix);
    }

    private static string SeedPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "ServicePortal.Catalog", "Seed", "catalog.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("The catalogue seed was not found above the test's directory.");
    }
}
