using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ServicePortal.Catalog.Browse;
using ServicePortal.Catalog.Caching;
using ServicePortal.Catalog.Changes;

namespace ServicePortal.Catalog.Seed;

/// <summary>
/// Puts the demo catalogue (<c>Seed/catalog.json</c>: real institutions, plausible fees) into the database at
/// start-up, in Development and in tests only (<see cref="CatalogOptions.SeedDemoData"/>); production gets its
/// agencies through onboarding. It only adds what is missing, by code, and never overwrites an entry: what
/// an agency or an administrator changed stays changed. Several nodes starting together take turns on an
/// advisory lock.
/// </summary>
/// <remarks>
/// Each demo agency's endpoint points where the deployment says that demo agency runs, <c>DemoAgencies:{code}</c>
/// (e.g. <c>DemoAgencies__rita=http://demo-agencies:5102</c> in compose and Kubernetes, where they are a service of
/// their own), and at the file's loopback address (<c>./build.sh run</c>) when that is not set.
/// </remarks>
internal sealed partial class DemoCatalogSeeder(
    NpgsqlDataSource dataSource,
    IOptions<CatalogOptions> options,
    IConfiguration configuration,
    ILogger<DemoCatalogSeeder> logger) : IHostedService
{
    public const string ChangedBy = "seed";

    // An arbitrary constant: "SPCATSEE" in ASCII.
    private const long AdvisoryLockKey = 0x5350_4341_5453_4545;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.SeedDemoData)
        {
            var added = await SeedAsync(cancellationToken);
            LogSeeded(logger, added);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Adds the demo entries that are missing; returns how many services it added.</summary>
    public async Task<int> SeedAsync(CancellationToken cancellationToken)
    {
        var seed = Load();
        var allCodes = seed.Agencies.SelectMany(a => a.Services).Select(s => s.Code).ToArray();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)",
            new { key = AdvisoryLockKey }, transaction, cancellationToken: cancellationToken));
        var present = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT count(*)::int FROM catalog.services WHERE code = ANY(@allCodes)",
            new { allCodes }, transaction, cancellationToken: cancellationToken));
        if (present == allCodes.Length)
        {
            await AgencyChanges.FillDemoOfficeFactsAsync(connection, transaction, seed.Agencies, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return 0;
        }

        await ServiceChanges.AddDemoCategoriesAsync(connection, transaction, seed.Categories, seed.LifeEvents, cancellationToken);

        var added = new List<long>();
        foreach (var agency in seed.Agencies)
        {
            var agencyId = await AgencyChanges.AddDemoAgencyAsync(connection, transaction, agency, DemoAgencyAddress(agency.Code), ChangedBy,
                cancellationToken);
            foreach (var service in agency.Services)
            {
                var form = service.Form is null ? null : seed.Forms[service.Form].GetRawText();
                var id = await ServiceChanges.AddDemoServiceAsync(connection, transaction, agencyId, service, form, cancellationToken);
                if (id is { } newId)
                {
                    added.Add(newId);
                }
            }
        }

        await ServiceChanges.RecordAsync(connection, transaction, [.. added], ChangedBy, "created", null, null,
            cancellationToken);
        await AgencyChanges.FillDemoOfficeFactsAsync(connection, transaction, seed.Agencies, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return added.Count;
    }

    /// <summary>Where this deployment runs the demo agency <paramref name="code"/> (an http(s) address), or null.</summary>
    private Uri? DemoAgencyAddress(string code) =>
        Uri.TryCreate(configuration[$"DemoAgencies:{code}"], UriKind.Absolute, out var address) &&
        (address.Scheme == Uri.UriSchemeHttp || address.Scheme == Uri.UriSchemeHttps)
            ? new Uri(address.GetLeftPart(UriPartial.Authority) + "/")
            : null;

    internal static SeedFile Load()
    {
        using var stream = typeof(DemoCatalogSeeder).Assembly.GetManifestResourceStream("ServicePortal.Catalog.Seed.catalog.json")
                           ?? throw new InvalidOperationException("Seed/catalog.json is not embedded.");
        return JsonSerializer.Deserialize<SeedFile>(stream, CatalogJson.Options)
               ?? throw new InvalidOperationException("Seed/catalog.json is empty.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo catalogue: {Added} services added")]
    private static partial void LogSeeded(ILogger logger, int added);
}

// The shape of Seed/catalog.json. Every text pair is [Kiswahili, English].
internal sealed class SeedFile
{
    public List<string[]> Categories { get; init; } = [];
    public List<string[]> LifeEvents { get; init; } = [];
    public Dictionary<string, JsonElement> Forms { get; init; } = [];
    public List<SeedAgency> Agencies { get; init; } = [];
}

internal sealed class SeedAgency
{
    public string Code { get; init; } = "";
    public string Short { get; init; } = "";
    public string? Website { get; init; }
    public string[] Name { get; init; } = [];
    public string[] Description { get; init; } = [];
    public SeedOffice? Office { get; init; }
    public List<SeedEndpoint> Endpoints { get; init; } = [];
    public List<SeedService> Services { get; init; } = [];
}

/// <summary>Where, when and how to reach the agency's office; the phone may be empty (not known).</summary>
internal sealed class SeedOffice
{
    public string[] Address { get; init; } = ["", ""];
    public string[] Hours { get; init; } = ["", ""];
    public string Phone { get; init; } = "";
}

internal sealed class SeedEndpoint
{
    public string Name { get; init; } = "";
    public string Destination { get; init; } = "";
    public string Auth { get; init; } = "citizen";
}

internal sealed class SeedService
{
    public string Code { get; init; } = "";
    public string Category { get; init; } = "";
    public List<string> LifeEvents { get; init; } = [];
    public string[] Name { get; init; } = [];
    public string[] Summary { get; init; } = [];
    public string[]? Description { get; init; }
    public List<string> Channels { get; init; } = [];
    public long? Cost { get; init; }
    public string Paid { get; init; } = "free";
    public string[]? CostNote { get; init; }
    public int? Days { get; init; }
    public List<string[]> Eligibility { get; init; } = [];
    public List<string[]> Evidence { get; init; } = [];
    public string[]? Output { get; init; }
    public List<string[]> Legal { get; init; } = [];
    public List<List<string>> Keywords { get; init; } = [];
    public string? Form { get; init; }
    public string? SubmitPath { get; init; }
    public string? StatusPath { get; init; }
}
