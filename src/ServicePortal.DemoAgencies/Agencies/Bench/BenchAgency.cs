using System.Globalization;
using ServicePortal.DemoAgencies.Applications;

namespace ServicePortal.DemoAgencies.Agencies.Bench;

/// <summary>
/// An agency for the status-sync benchmark (infra/bench/sync.sh), started only when
/// <c>DemoAgencies:Bench:Count</c> is set: <c>bench-01</c>, <c>bench-02</c>, … on consecutive ports from
/// <c>DemoAgencies:Bench:FirstPort</c>. It speaks the same application contract as the other demo agencies and
/// verifies the portal's service assertion the same way (audience: its own code). The one difference, for the
/// benchmark only: a reference it has never seen is adopted (<see cref="ApplicationCatalogue.AdoptsUnknownReferences"/>)
/// as an application received one lifecycle step ago, so it answers <c>under_review</c>, version 2, for the
/// requests the benchmark wrote straight into the portal's database; asked again, it answers the same.
/// </summary>
public sealed class BenchAgency(int number) : DemoAgency
{
    public const string Section = "DemoAgencies:Bench";

    public override string Code { get; } = CodeOf(number);
    public override string NameSw => "Taasisi ya majaribio ya kasi " + Code;
    public override string NameEn => "Benchmark agency " + Code;

    public override ApplicationCatalogue Applications => Catalogue;

    public override void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }

    public static string CodeOf(int number) => string.Create(CultureInfo.InvariantCulture, $"bench-{number:D2}");

    /// <summary>The bench agencies configured (<c>Count</c>, 0 to 99) with their addresses, or none.</summary>
    public static IReadOnlyList<(BenchAgency Agency, string Url)> Configured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var count = section.GetValue("Count", 0);
        if (count <= 0)
        {
            return [];
        }

        var firstPort = section.GetValue("FirstPort", 0);
        if (count > 99 || firstPort is < 1 || firstPort + count - 1 > 65535)
        {
            throw new InvalidOperationException($"{Section}: Count must be 1 to 99 and FirstPort a port with Count ports after it.");
        }

        return [.. Enumerable.Range(1, count).Select(n =>
            (new BenchAgency(n), string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{firstPort + n - 1}")))];
    }

    private static readonly ApplicationCatalogue Catalogue = new(
        ReferencePrefix: "BENCH",
        ControlNumberPrefix: "999",
        StatusPath: "/applications/status",
        Wording: new StatusWording(
            Received: new("Ombi lako la {0} limepokelewa.", "Your application for {0} has been received."),
            UnderReview: new("Ombi lako la {0} linahakikiwa.", "Your application for {0} is being reviewed."),
            NeedsCorrection: new("Tafadhali rekebisha ombi lako la {0}.", "Please correct your application for {0}."),
            PaymentPending: new("Lipa ada ya TZS {1} ili ombi lako la {0} liendelee.", "Pay the fee of TZS {1} so that your application for {0} can go on."),
            Approved: new("Ombi lako la {0} limeidhinishwa.", "Your application for {0} has been approved."),
            Rejected: new("Ombi lako la {0} limekataliwa.", "Your application for {0} has been rejected."),
            Withdrawn: new("Ombi lako la {0} limeondolewa.", "Your application for {0} has been withdrawn.")),
        Services:
        [
            new ApplicationService(
                Code: "bench-permit",
                SubmitPath: "/applications/permit",
                FeeTzs: 0,
                RequiredAnswers: ["purpose"],
                Subject: new("kibali cha majaribio", "a benchmark permit"),
                Issued: new("Kibali chako cha majaribio kiko tayari.", "Your benchmark permit is ready."),
                Correction: new("purpose", new("Eleza madhumuni kikamilifu.", "Describe the purpose in full."))),
        ],
        AdoptsUnknownReferences: true);
}
