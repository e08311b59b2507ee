namespace ServicePortal.DemoAgencies.Applications;

/// <summary>A text in Kiswahili and English. In templates, <c>{0}</c> is the service's subject and <c>{1}</c> the fee.</summary>
public sealed record Bilingual(string Sw, string En);

/// <summary>What the agency asks the citizen to correct, on the applications that take the correction path.</summary>
/// <param name="Field">The form field (a property name of the service's form in the catalogue).</param>
public sealed record CorrectionRequest(string Field, Bilingual Message);

/// <summary>
/// One service of an agency that accepts online applications, as the portal's catalogue seed describes it
/// (<c>src/ServicePortal.Catalog/Seed/catalog.json</c>: <c>code</c>, <c>submitPath</c>, <c>cost</c>, and the
/// <c>required</c> list of its <c>form</c>).
/// </summary>
/// <param name="FeeTzs">0 for a free service; otherwise the application waits for payment of this amount.</param>
/// <param name="Subject">What the application is for, as it reads after "ombi lako la …" / "your application for …".</param>
/// <param name="Issued">The message once the outcome is ready (where and how to get it).</param>
public sealed record ApplicationService(
    string Code,
    string SubmitPath,
    int FeeTzs,
    IReadOnlyList<string> RequiredAnswers,
    Bilingual Subject,
    Bilingual Issued,
    CorrectionRequest Correction);

/// <summary>
/// The agency-wide wording of each status, with <c>{0}</c> for the service's subject (and <c>{1}</c> for the fee in
/// <see cref="PaymentPending"/>). <c>issued</c> is worded per service (<see cref="ApplicationService.Issued"/>).
/// </summary>
public sealed record StatusWording(
    Bilingual Received,
    Bilingual UnderReview,
    Bilingual NeedsCorrection,
    Bilingual PaymentPending,
    Bilingual Approved,
    Bilingual Rejected,
    Bilingual Withdrawn);

/// <summary>
/// Everything an agency needs to implement the portal's application contract: how its references look, where
/// the portal asks for statuses, how it words them, and its services.
/// </summary>
/// <param name="ReferencePrefix">E.g. <c>RITA</c>, giving references <c>RITA-2026-000123</c>.</param>
/// <param name="ControlNumberPrefix">The first three digits of the agency's GePG control numbers (<c>99</c> and one more).</param>
/// <param name="AdoptsUnknownReferences">
/// Benchmark agencies only (<see cref="Agencies.Bench.BenchAgency"/>): batch status answers a reference it does not
/// know as an application of its first service received one lifecycle step ago (<c>under_review</c>, version 2),
/// instead of <c>not_found</c>. A real agency never does this.
/// </param>
public sealed record ApplicationCatalogue(
    string ReferencePrefix,
    string ControlNumberPrefix,
    string StatusPath,
    StatusWording Wording,
    IReadOnlyList<ApplicationService> Services,
    bool AdoptsUnknownReferences = false);
