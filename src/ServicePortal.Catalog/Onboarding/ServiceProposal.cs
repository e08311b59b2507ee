using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentValidation;
using FluentValidation.Results;
using ServicePortal.Catalog.Browse;

namespace ServicePortal.Catalog.Onboarding;

/// <summary>A text in both languages, as an agency sends it.</summary>
public sealed record ProposedText(string? Sw, string? En);

/// <summary>
/// Every field of a service an agency may set (<c>PUT /api/agency/services/{code}</c>). The code comes from
/// the address; the competent authority is the caller's agency. Absent optional fields take their defaults.
/// </summary>
public sealed record ServiceProposal(
    ProposedText? Name,
    ProposedText? Summary,
    ProposedText? Description,
    string? Category,
    IReadOnlyList<string>? LifeEvents,
    IReadOnlyList<string>? Channels,
    long? CostTzs,
    string? CostPaid,
    ProposedText? CostNote,
    int? ProcessingDays,
    IReadOnlyList<ProposedText>? Eligibility,
    IReadOnlyList<ProposedText>? Evidence,
    ProposedText? Output,
    IReadOnlyList<ProposedText>? LegalBasis,
    IReadOnlyList<string>? KeywordsSw,
    IReadOnlyList<string>? KeywordsEn,
    JsonElement? FormSchema,
    string? SubmitPath,
    string? StatusPath)
{
    /// <summary>
    /// The proposal with the keys of <c>catalog.service_snapshot</c> (what history keeps), so the approval
    /// page compares it with the live service key by key and approval writes it with one statement.
    /// </summary>
    public JsonObject ToBody(string code, string agency) => new()
    {
        ["code"] = code,
        ["agency"] = agency,
        ["category"] = Category,
        ["life_events"] = Strings((LifeEvents ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
        ["name_sw"] = Name?.Sw,
        ["name_en"] = Name?.En,
        ["summary_sw"] = Summary?.Sw,
        ["summary_en"] = Summary?.En,
        ["description_sw"] = Description?.Sw ?? "",
        ["description_en"] = Description?.En ?? "",
        ["channels"] = Strings((Channels ?? []).Distinct(StringComparer.Ordinal)),
        ["cost_tzs"] = CostTzs,
        ["cost_paid"] = CostPaid ?? "free",
        ["cost_note_sw"] = CostNote?.Sw ?? "",
        ["cost_note_en"] = CostNote?.En ?? "",
        ["processing_days"] = ProcessingDays,
        ["eligibility"] = Pairs(Eligibility),
        ["evidence"] = Pairs(Evidence),
        ["output_sw"] = Output?.Sw ?? "",
        ["output_en"] = Output?.En ?? "",
        ["legal_basis"] = Pairs(LegalBasis),
        ["keywords_sw"] = Strings(KeywordsSw ?? []),
        ["keywords_en"] = Strings(KeywordsEn ?? []),
        ["form_schema"] = FormSchema is { ValueKind: JsonValueKind.Object } schema ? JsonNode.Parse(schema.GetRawText()) : null,
        ["submit_path"] = SubmitPath,
        ["status_path"] = StatusPath,
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);

    private static JsonArray Pairs(IReadOnlyList<ProposedText>? pairs) =>
        new([.. (pairs ?? []).Select(p => (JsonNode?)new JsonObject { ["sw"] = p.Sw, ["en"] = p.En })]);
}

/// <summary>The code in the address, checked with the body (it is part of what the agency proposes).</summary>
public sealed record ServiceProposalInput(string Code, string Agency, ServiceProposal Proposal);

/// <summary>
/// Every field, with messages in both languages (an agency's developer may read either; the portal does not
/// know which). Limits match the table's CHECK constraints, so a valid proposal can always be approved.
/// </summary>
public sealed partial class ServiceProposalValidator : AbstractValidator<ServiceProposalInput>
{
    public static readonly IReadOnlySet<string> ChannelValues =
        new HashSet<string>(["portal", "agency_online", "office", "ussd"], StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> CostPaidValues =
        new HashSet<string>(["free", "on_application", "on_issue", "periodic"], StringComparer.Ordinal);

    public const int MaxListItems = 30;
    public const long MaxCostTzs = 1_000_000_000_000;

    public ServiceProposalValidator(CatalogReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);

        RuleFor(x => x.Code).Custom((code, context) =>
        {
            if (!ServiceCode().IsMatch(code) || code.Length is < 3 or > 80)
            {
                context.AddFailure(new ValidationFailure("code", Both(
                    "Namba ya huduma iwe herufi ndogo, tarakimu na vistari (kwa mfano rita-birth-certificate), herufi 3 hadi 80.",
                    "The service code must be lower-case letters, digits and single hyphens (e.g. rita-birth-certificate), 3 to 80 characters.")));
            }
        });

        RuleFor(x => x.Proposal).Custom((p, context) =>
        {
            OnboardingRules.Text(context, "name", p.Name, 2, 200, required: true);
            OnboardingRules.Text(context, "summary", p.Summary, 1, 500, required: true);
            OnboardingRules.Text(context, "description", p.Description, 0, 8000, required: false, multiline: true);
            OnboardingRules.Text(context, "costNote", p.CostNote, 0, 500, required: false);
            OnboardingRules.Text(context, "output", p.Output, 0, 1000, required: false);
            OnboardingRules.Pairs(context, "eligibility", p.Eligibility, 500);
            OnboardingRules.Pairs(context, "evidence", p.Evidence, 500);
            OnboardingRules.Pairs(context, "legalBasis", p.LegalBasis, 500);
            OnboardingRules.Words(context, "keywordsSw", p.KeywordsSw);
            OnboardingRules.Words(context, "keywordsEn", p.KeywordsEn);

            if (p.Channels is null || p.Channels.Count == 0 || p.Channels.Count > ChannelValues.Count ||
                p.Channels.Any(c => c is null || !ChannelValues.Contains(c)))
            {
                context.AddFailure(new ValidationFailure("channels", Both(
                    "Taja njia moja au zaidi kati ya: portal, agency_online, office, ussd.",
                    "Name one or more channels among: portal, agency_online, office, ussd.")));
            }

            if (p.CostTzs is < 0 or > MaxCostTzs)
            {
                context.AddFailure(new ValidationFailure("costTzs", Both(
                    "Gharama iwe shilingi nzima kuanzia 0 (au iachwe tupu ikitegemea huduma).",
                    "The cost must be whole shillings from 0 (or left empty when it depends on the case).")));
            }

            if (p.CostPaid is not null && !CostPaidValues.Contains(p.CostPaid))
            {
                context.AddFailure(new ValidationFailure("costPaid", Both(
                    "Wakati wa kulipa uwe mmoja kati ya: free, on_application, on_issue, periodic.",
                    "When it is paid must be one of: free, on_application, on_issue, periodic.")));
            }
            else if (p.CostTzs is > 0 && (p.CostPaid ?? "free") == "free")
            {
                context.AddFailure(new ValidationFailure("costPaid", Both(
                    "Huduma yenye gharama haiwezi kuwa 'free': sema inalipwa lini.",
                    "A service with a cost cannot be 'free': say when it is paid.")));
            }

            if (p.ProcessingDays is < 0 or > 3650)
            {
                context.AddFailure(new ValidationFailure("processingDays", Both(
                    "Muda wa kushughulikia uwe siku 0 (siku hiyo hiyo) hadi 3650, au uachwe tupu ukitofautiana.",
                    "The processing time must be 0 (the same day) to 3650 days, or left empty when it varies.")));
            }

            if (p.FormSchema is { } schema && schema.ValueKind != JsonValueKind.Null)
            {
                if (OnboardingRules.FormSchemaProblem(schema) is { } problem)
                {
                    context.AddFailure(new ValidationFailure("formSchema", problem));
                }
            }

            OnboardingRules.Path(context, "submitPath", p.SubmitPath, SubmitPath());
            OnboardingRules.Path(context, "statusPath", p.StatusPath, StatusPath());
        });

        RuleFor(x => x.Proposal).CustomAsync(async (p, context, cancellationToken) =>
        {
            var categories = await reader.ListCategoriesAsync(cancellationToken);
            if (p.Category is null || !categories.Any(c => c.Code == p.Category))
            {
                context.AddFailure(new ValidationFailure("category", Both(
                    "Taja kundi la huduma lililopo (tazama /api/catalog/categories).",
                    "Name an existing category (see /api/catalog/categories).")));
            }

            var lifeEvents = await reader.ListLifeEventsAsync(cancellationToken);
            if (p.LifeEvents is { } events &&
                (events.Count > MaxListItems || events.Any(e => e is null || !lifeEvents.Any(l => l.Code == e))))
            {
                context.AddFailure(new ValidationFailure("lifeEvents", Both(
                    "Kila tukio la maisha liwe lililopo (tazama /api/catalog/life-events).",
                    "Every life event must exist (see /api/catalog/life-events).")));
            }
        });
    }

    internal static string Both(string sw, string en) => OnboardingRules.Both(sw, en);

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex ServiceCode();

    // The table's own patterns: paths at the agency's endpoint; the status path may hold {reference}.
    [GeneratedRegex("^/[A-Za-z0-9/_.-]{0,199}$")]
    private static partial Regex SubmitPath();

    [GeneratedRegex("^/[A-Za-z0-9/_.{}-]{0,199}$")]
    private static partial Regex StatusPath();
}
