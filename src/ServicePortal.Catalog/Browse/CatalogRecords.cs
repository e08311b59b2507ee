using System.Text.Json;
using System.Text.Json.Serialization;
using ServicePortal.Core.Localization;

namespace ServicePortal.Catalog.Browse;

/// <summary>
/// A text in both official languages. The API always returns both (<c>{"sw": ..., "en": ...}</c>): the
/// response is then the same for every reader, so one cached body and one ETag serve everybody.
/// </summary>
public sealed record Bilingual(string Sw, string En)
{
    public static Bilingual Empty { get; } = new("", "");

    /// <summary>The text in the language of the current request.</summary>
    [JsonIgnore]
    public string Current => Lang.T(Sw, En);

    [JsonIgnore]
    public bool IsEmpty => Sw.Length == 0 && En.Length == 0;

    public override string ToString() => Current;
}

public sealed record AgencyRef(string Code, string ShortName, Bilingual Name);

public sealed record NamedRef(string Code, Bilingual Name);

/// <summary>Cost in Tanzanian shillings; <c>paid</c>: free, on_application, on_issue or periodic.</summary>
public sealed record ServiceCost(long? AmountTzs, string Paid, Bilingual? Note)
{
    public string Currency => "TZS";
}

/// <summary>Processing time in days (0: the same day; null: it varies) and as an ISO 8601 duration.</summary>
public sealed record ProcessingTime(int? Days)
{
    public string? Iso8601 => Days is null ? null : $"P{Days}D";
}

public sealed record Keywords(IReadOnlyList<string> Sw, IReadOnlyList<string> En);

/// <summary>One service in a list of results.</summary>
public sealed record ServiceSummary(
    string Code,
    Bilingual Name,
    Bilingual Summary,
    AgencyRef Agency,
    NamedRef Category,
    ServiceCost Cost,
    ProcessingTime ProcessingTime,
    bool AppliesOnline);

/// <summary>The whole public entry of a service (CPSV-AP fields plus the portal's own).</summary>
public sealed record ServiceDetail(
    string Code,
    Bilingual Name,
    Bilingual Summary,
    Bilingual Description,
    AgencyRef Agency,
    NamedRef Category,
    IReadOnlyList<string> Channels,
    ServiceCost Cost,
    ProcessingTime ProcessingTime,
    IReadOnlyList<Bilingual> Eligibility,
    IReadOnlyList<Bilingual> Evidence,
    Bilingual Output,
    IReadOnlyList<Bilingual> LegalBasis,
    IReadOnlyList<NamedRef> LifeEvents,
    Keywords Keywords,
    JsonElement? FormSchema,
    string? SubmitPath,
    string? StatusPath,
    DateTimeOffset UpdatedAt,
    int Version)
{
    public bool AppliesOnline => Channels.Contains(Channel.Portal) && FormSchema is not null;
}

/// <summary>An agency's code and names, whatever its status (<see cref="CatalogReader.ListAgencyNamesAsync"/>).</summary>
public sealed record AgencyName(string Code, string ShortName, string NameSw, string NameEn);

public sealed record AgencySummary(
    string Code,
    string ShortName,
    Bilingual Name,
    Bilingual Description,
    string? Website,
    int ServiceCount,
    AgencyOffice? Office = null);

/// <summary>
/// Where, when and how a person reaches the agency's office (address, opening hours, phone), for services given
/// at the office. Null when the agency has not given any of it.
/// </summary>
public sealed record AgencyOffice(Bilingual Address, Bilingual Hours, string Phone)
{
    /// <summary>The number for a <c>tel:</c> link: digits and a leading plus only.</summary>
    [JsonIgnore]
    public string PhoneLink => new([.. Phone.Where((c, i) => char.IsAsciiDigit(c) || (c == '+' && i == 0))]);
}

public sealed record AgencyDetail(AgencySummary Agency, IReadOnlyList<ServiceSummary> Services);

/// <summary>The ways a service is reached (CPSV-AP cv:Channel).</summary>
public static class Channel
{
    public const string Portal = "portal";
    public const string AgencyOnline = "agency_online";
    public const string Office = "office";
    public const string Ussd = "ussd";

    public static Bilingual Describe(string channel) => channel switch
    {
        Portal => new("Mtandaoni kupitia lango hili", "Online through this portal"),
        AgencyOnline => new("Mtandaoni kwenye kurasa za taasisi", "Online on the institution's pages"),
        Office => new("Ofisini kwa taasisi", "At the institution's office"),
        Ussd => new("Kwa simu (USSD)", "By phone (USSD)"),
        _ => new(channel, channel),
    };
}

internal static class CatalogJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<Bilingual> Pairs(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<Bilingual>>(json, Options) ?? [];
}

/// <summary>An agency endpoint as the application connector calls it (not through the gateway's door).</summary>
public sealed record AgencyEndpointTarget(string Agency, string Name, IReadOnlyList<Uri> Destinations, TimeSpan Timeout);
